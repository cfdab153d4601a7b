import ArgumentParser

/// The `scim-callout` command line: serve, init, keys, tokens, users, groups, policy, decisions, snapshots.
@main
struct SCIMCalloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scim-callout",
        abstract: "NATS auth callout answered from SCIM-provisioned identities.",
        discussion: """
            Quick start: `scim-callout init` writes keys, config.yaml, policy.yaml and a matching \
            nats-server.conf into ./data; `scim-callout serve` runs the service.

            Configuration: --config FILE (or SCIM_CALLOUT_CONFIG), else data/config.yaml when it \
            exists, else built-in defaults; every key can be overridden by an environment variable \
            SCIM_CALLOUT_<SECTION>_<KEY> (`scim-callout config keys`, docs/configuration.md).

            Exit codes: \(ExitStatus.summary)
            """,
        version: BuildInfo.version,
        subcommands: [
            ServeCommand.self, InitCommand.self, KeysCommand.self, TokensCommand.self, UsersCommand.self,
            GroupsCommand.self, PolicyCommand.self, AccessCommand.self, DecisionsCommand.self, AuditCommand.self,
            SnapshotsCommand.self,
            ConfigCommand.self,
            VersionCommand.self,
        ]
    )
}
