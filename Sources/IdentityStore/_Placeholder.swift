// Placeholder so the package builds while IdentityStore is written; deleted by the first real file.
enum _IdentityStorePlaceholder {}
