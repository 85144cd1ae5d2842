-- 0001: settings (key/value kept across restarts) and the members the bot has seen.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE members (
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);
