// Placeholder so the package builds while AuthCallout is written; deleted by the first real file.
enum _AuthCalloutPlaceholder {}
