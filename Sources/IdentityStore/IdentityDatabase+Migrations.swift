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
        // SCIM tokens expire (rotation with an overlap) and remember when they were last used.
        migrator.registerMigration("v2-scim-token-expiry") { db in
            try db.execute(sql: """
                ALTER TABLE scim_tokens ADD COLUMN expires_at REAL;
                ALTER TABLE scim_tokens ADD COLUMN last_used_at REAL;
                CREATE INDEX scim_tokens_name ON scim_tokens(name);
                """)
        }
        return migrator
    }
}
