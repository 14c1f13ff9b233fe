-- Live sessions of data.sql (timemodified 0) get the current time. Every loader of the fixture
-- (scripts/lib/common.sh sence_fixture_sql, t/lib/SenceMoodle.pm freshen) applies this file
-- after schema.sql and data.sql, with @NOW@ replaced by the Unix time.
UPDATE mdl_sessions SET timecreated = @NOW@, timemodified = @NOW@ WHERE timemodified = 0;
