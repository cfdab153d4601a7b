import GRDB

extension IdentityDatabase {
    /// The schema, as named SQL migrations. A released migration is never edited: changes go in
    /// a new, later migration (GRDB `Migrations.md`).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-identities") { db in
            try db.execute(sql: """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_name TEXT NOT NULL,
                    user_name_key TEXT NOT NULL UNIQUE,
                    external_id TEXT,
                    display_name TEXT,
                    display_name_key TEXT,
                    active INTEGER NOT NULL DEFAULT 1,
                    password_hash TEXT,
                    tags TEXT NOT NULL DEFAULT '[]',
                    jwt_lifetime_seconds INTEGER,
                    resource TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    created REAL NOT NULL,
                    last_modified REAL NOT NULL
                );
                CREATE INDEX users_external_id ON users(external_id);
                CREATE INDEX users_display_name_key ON users(display_name_key);
                CREATE INDEX users_last_modified ON users(last_modified);

                CREATE TABLE user_emails (
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    value_key TEXT NOT NULL,
                    PRIMARY KEY (user_id, value_key)
                ) WITHOUT ROWID;
                CREATE INDEX user_emails_value_key ON user_emails(value_key);

                CREATE TABLE user_nkeys (
                    public_key TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE INDEX user_nkeys_user_id ON user_nkeys(user_id);

                CREATE TABLE groups (
                    id TEXT PRIMARY KEY NOT NULL,
                    display_name TEXT NOT NULL,
                    display_name_key TEXT NOT NULL UNIQUE,
                    external_id TEXT,
                    resource TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    created REAL NOT NULL,
                    last_modified REAL NOT NULL
                );
                CREATE INDEX groups_external_id ON groups(external_id);
                CREATE INDEX groups_last_modified ON groups(last_modified);

                -- member_id is deliberately not a foreign key: IdPs may reference members the
                -- server does not know yet; they stay and resolve when the resource appears.
                CREATE TABLE group_members (
                    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
                    member_id TEXT NOT NULL,
                    member_type TEXT NOT NULL,
                    PRIMARY KEY (group_id, member_id)
                ) WITHOUT ROWID;
                CREATE INDEX group_members_member_id ON group_members(member_id);

                CREATE TABLE changes (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    resource_type TEXT NOT NULL,
                    resource_id TEXT NOT NULL,
                    operation TEXT NOT NULL
                );

                CREATE TABLE scim_tokens (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    token_hash BLOB NOT NULL UNIQUE,
                    created REAL NOT NULL,
                    revoked_at REAL
                );

                CREATE TABLE access_tokens (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    token_hash BLOB NOT NULL UNIQUE,
                    created REAL NOT NULL,
                    expires_at REAL,
                    revoked_at REAL
                );
                CREATE INDEX access_tokens_user_id ON access_tokens(user_id);
                """)
        }
        migrator.registerMigration("v2-identity-history") { db in
            // Append-only: UPDATE is always refused, DELETE only for rows older than a cutoff the
            // retention pruning permits inside its own transaction (identity_history_prune).
            // The baseline rows are the state of every resource when history began.
            try db.execute(sql: """
                CREATE TABLE identity_history (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    author TEXT NOT NULL,
                    author_token_id TEXT,
                    resource_type TEXT NOT NULL CHECK (resource_type IN ('User', 'Group')),
                    resource_id TEXT NOT NULL,
                    resource_name TEXT NOT NULL,
                    resource_key TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN
                        ('baseline', 'create', 'update', 'delete', 'membership', 'sessions_cut')),
                    changes TEXT NOT NULL DEFAULT '{}'
                );
                CREATE INDEX identity_history_resource ON identity_history(resource_id, seq);
                CREATE INDEX identity_history_key ON identity_history(resource_key);
                CREATE INDEX identity_history_at ON identity_history(at);

                CREATE TABLE identity_history_prune (before REAL NOT NULL);

                CREATE TRIGGER identity_history_no_update BEFORE UPDATE ON identity_history
                BEGIN
                    SELECT RAISE(ABORT, 'identity_history is append-only');
                END;
                CREATE TRIGGER identity_history_no_delete BEFORE DELETE ON identity_history
                WHEN NOT EXISTS (SELECT 1 FROM identity_history_prune WHERE OLD.at < before)
                BEGIN
                    SELECT RAISE(ABORT, 'identity_history is append-only (only retention pruning deletes)');
                END;

                INSERT INTO identity_history
                    (at, author, resource_type, resource_id, resource_name, resource_key, kind, changes)
                SELECT round((julianday('now') - 2440587.5) * 86400.0, 3), 'baseline', 'Group', g.id,
                    g.display_name, g.display_name_key, 'baseline',
                    json_object('displayName', json_object('to', g.display_name),
                                'externalId', CASE WHEN g.external_id IS NULL THEN NULL
                                              ELSE json_object('to', g.external_id) END)
                FROM groups g ORDER BY g.id;

                INSERT INTO identity_history
                    (at, author, resource_type, resource_id, resource_name, resource_key, kind, changes)
                SELECT round((julianday('now') - 2440587.5) * 86400.0, 3), 'baseline', 'User', u.id,
                    u.user_name, u.user_name_key, 'baseline',
                    json_object(
                        'active', json_object('to', CASE WHEN u.active THEN json('true') ELSE json('false') END),
                        'userName', json_object('to', u.user_name),
                        'externalId', CASE WHEN u.external_id IS NULL THEN NULL
                                      ELSE json_object('to', u.external_id) END,
                        'nkeysAdded', json((SELECT json_group_array(k.public_key) FROM
                            (SELECT public_key FROM user_nkeys WHERE user_id = u.id ORDER BY public_key) k)),
                        'groupsAdded', json((SELECT json_group_array(json_object('id', x.id, 'displayName', x.name))
                            FROM (SELECT g.id AS id, g.display_name AS name FROM group_members m
                                  JOIN groups g ON g.id = m.group_id
                                  WHERE m.member_id = u.id ORDER BY g.display_name_key) x)))
                FROM users u ORDER BY u.id;
                """)
        }
        // SCIM tokens expire (rotation with an overlap) and remember when they were last used.
        migrator.registerMigration("v3-scim-token-expiry") { db in
            try db.execute(sql: """
                ALTER TABLE scim_tokens ADD COLUMN expires_at REAL;
                ALTER TABLE scim_tokens ADD COLUMN last_used_at REAL;
                CREATE INDEX scim_tokens_name ON scim_tokens(name);
                """)
        }
        // The policy files the service ran with, so a past decision can be re-evaluated.
        migrator.registerMigration("v4-policy-history") { db in
            try db.execute(sql: """
                CREATE TABLE policy_history (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    loaded_at REAL NOT NULL,
                    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
                    content BLOB NOT NULL
                );
                CREATE INDEX policy_history_loaded_at ON policy_history(loaded_at);
                """)
        }
        // Replication (issue 15): the applied stream position, stored in each apply's
        // transaction, and the replica a change came from (NULL: written locally, unreplicated).
        migrator.registerMigration("replication-v1") { db in
            try db.execute(sql: """
                CREATE TABLE replication_position (
                    stream TEXT PRIMARY KEY NOT NULL,
                    sequence INTEGER NOT NULL CHECK (sequence >= 0)
                );
                ALTER TABLE changes ADD COLUMN origin TEXT;
                """)
        }
        return migrator
    }
}
