-- 0019: the spoiler shield. One row per group that has set its mode (off, plan or member);
-- a group without a row has the shield off. Who set it is not kept.
CREATE TABLE spoiler_settings (
    platform  TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    mode      TEXT NOT NULL,
    set_at    TEXT NOT NULL,
    PRIMARY KEY (platform, group_id)
);
