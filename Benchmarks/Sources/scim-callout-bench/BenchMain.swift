// The benchmark driver (`make bench`); suites are added per target.
@main
enum BenchMain {
    static func main() async throws {
        print("no benchmark suites yet")
    }
}
