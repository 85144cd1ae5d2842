-- 0013: stats computed by the database. One member's rows in a group are found by an
-- index (platform, group_id, user_id, day) instead of a scan of the group's history, and
-- the members of a group with activity kept are listed in their own table (written with
-- each batch of the recorder, deleted with the member or by retention), so `members()`
-- never reads the daily rows.
CREATE INDEX activity_daily_member ON activity_daily (platform, group_id, user_id, day);

CREATE TABLE activity_members (
    platform  TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (platform, group_id, user_id)
);

INSERT INTO activity_members (platform, group_id, user_id)
SELECT DISTINCT platform, group_id, user_id FROM activity_daily;
