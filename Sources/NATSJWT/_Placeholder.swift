// Placeholder so the package builds while NATSJWT is written; deleted by the first real file.
enum _NATSJWTPlaceholder {}
