import CFuzzerDriver
import Foundation

// SwiftPM gives every executable its own `main`, so libFuzzer's driver is called from it.
var argumentCount = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentValues) { data, size in fuzz(data, size) })
