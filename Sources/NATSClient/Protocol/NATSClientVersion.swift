/// The version string this client reports in `CONNECT`.
public enum NATSClientVersion {
    public static let current = "0.1.0"
}
