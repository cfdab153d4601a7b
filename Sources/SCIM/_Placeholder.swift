// Placeholder so the package builds while SCIM is written; deleted by the first real file.
enum _SCIMPlaceholder {}
