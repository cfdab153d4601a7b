/// The files `scim-callout init` writes, as text built from the generated public keys.
struct InitTemplates {
    var issuer: String
    var xkey: String
    var serviceUser: String
    var systemUser: String
    var account: String
    var natsURL: String
    var natsListen: String
    var httpListen: String

    var config: String {
        """
        # Written by `scim-callout init`. Every key and its environment variable: docs/configuration.md.
        # Relative paths are relative to this file's folder.
        nats:
          urls: [\(natsURL)]
          nkey_seed_file: service.nk     # the AUTH account's service user (\(serviceUser))
          queue_group: scim-callout
          system:
            nkey_seed_file: sys.nk       # SYS account user, to KICK revoked users' sessions
        keys:
          issuer_seed_file: issuer.nk    # auth_callout.issuer = \(issuer)
          xkey_seed_file: xkey.nk        # auth_callout.xkey   = \(xkey)
        http:
          listen: "\(httpListen)"
        store:
          path: scim-callout.sqlite
          durability: full
        policy:
          file: policy.yaml
        jwt:
          lifetime: 1h
        decisions:
          retention: 30d
        log:
          level: info
          format: text

        """
    }

    var policy: String {
        """
        # Written by `scim-callout init`: which SCIM groups get which NATS permissions.
        # Reference: docs/policy.md. Users in no bound group are denied (no default_binding).
        version: 1
        account: \(account)
        jwt_lifetime: 1h
        bindings:
          - name: demo
            group: nats-demo
            publish: ["demo.>", "_INBOX.>"]
            subscribe: ["demo.>", "_INBOX.>"]

        """
    }

    /// Config mode: accounts in the server's own file; only public keys appear here.
    var natsServerConfig: String {
        """
        # Written by `scim-callout init`: nats-server (2.10+) with the auth callout, config mode.
        # Only public keys are in this file. Run: nats-server -c nats-server.conf
        listen: \(natsListen)

        accounts {
          # The callout service logs in here with its nkey; these users bypass the callout.
          AUTH { users: [ { nkey: \(serviceUser) } ] }
          # Where authorized clients land (policy.yaml `account`).
          \(account) {}
          # System account: scim-callout's revoker KICKs revoked users' connections through it.
          SYS { users: [ { nkey: \(systemUser) } ] }
        }
        system_account: SYS

        authorization {
          # nats-server denies a connect it got no answer for within this time (seconds);
          # scim-callout's callout.decision_budget (1.5 s by default) must stay under it.
          timeout: 2
          auth_callout {
            issuer: \(issuer)
            account: AUTH
            # The service and system users bypass the callout (they must work when it is down).
            auth_users: [ \(serviceUser), \(systemUser) ]
            xkey: \(xkey)
          }
        }

        """
    }

    /// Operator mode: the same settings live in the account JWTs, edited with `nsc`.
    var operatorModeSnippet: String {
        """
        # Written by `scim-callout init`: the auth callout in operator (JWT) mode, with nsc.
        #
        # 1. The account the service connects to (AUTH) delegates authorization to the callout,
        #    names the service user as an auth user, and sets the xkey:
        nsc add account AUTH
        nsc add user --account AUTH --name scim-callout --public-key \(serviceUser)
        nsc edit authcallout --account AUTH --auth-user \(serviceUser) --allowed-account \(account) --curve \(xkey)
        #
        # 2. The issuer key signs responses as a signing key of AUTH and user JWTs as a signing key
        #    of the target account (scim-callout sets issuer_account in operator mode):
        nsc edit account AUTH --sk \(issuer)
        nsc edit account \(account) --sk \(issuer)
        nsc push --all
        #
        # 3. In config.yaml: callout.mode: operator, and policy.yaml `account:` is the target
        #    account's public key (nsc describe account \(account) --field sub), and
        #    nats.credentials_file: the .creds of the scim-callout user.

        """
    }
}
