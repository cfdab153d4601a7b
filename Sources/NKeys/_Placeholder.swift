// Placeholder so the package builds while NKeys is written; deleted by the first real file.
enum _NKeysPlaceholder {}
