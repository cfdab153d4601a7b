// Placeholder so the package builds while NATSClient is written; deleted by the first real file.
enum _NATSClientPlaceholder {}
