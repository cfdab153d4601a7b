// Placeholder so the package builds while SCIMServer is written; deleted by the first real file.
enum _SCIMServerPlaceholder {}
