-- 0007: the book each group reads (issue 10). A group without a row reads the config's
-- default book. chosen_by is the user id (on the group's platform) of the moderator who
-- chose it; privacy delete clears it and keeps the group's choice.
CREATE TABLE group_books (
    platform  TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    book_id   TEXT NOT NULL,
    chosen_by TEXT,
    chosen_at TEXT NOT NULL,
    PRIMARY KEY (platform, group_id)
);

CREATE INDEX group_books_chosen_by ON group_books (platform, chosen_by);
