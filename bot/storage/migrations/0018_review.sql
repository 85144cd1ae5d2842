-- 0018: spaced review of missed quiz items. One row per member and item: the item as it
-- was asked (JSON), its FSRS card (JSON) and when it is due (seconds since the epoch);
-- the item a member is being shown now; who asked for a daily reminder, and where.
CREATE TABLE review_items (
    platform  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    book_id   TEXT NOT NULL,
    item_id   TEXT NOT NULL,
    chapter   INTEGER,
    item      TEXT NOT NULL,
    card      TEXT NOT NULL,
    due       INTEGER NOT NULL,
    reviews   INTEGER NOT NULL,
    lapses    INTEGER NOT NULL,
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id, book_id, item_id)
);

CREATE INDEX review_items_due ON review_items (platform, user_id, due);

CREATE TABLE review_shown (
    platform  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    book_id   TEXT NOT NULL,
    item_id   TEXT NOT NULL,
    token     TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);

CREATE TABLE review_reminders (
    platform    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    group_id    TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    thread_id   TEXT,
    next_at     INTEGER NOT NULL,
    PRIMARY KEY (platform, user_id)
);

CREATE INDEX review_reminders_next ON review_reminders (next_at);
