// Placeholder so the package builds while these tests are written; deleted by the first real test file.
enum _AuthCalloutTestsPlaceholder {}
