-- Moodle-shaped fixture for the mod_sence test suite: the tables and columns mod_sence reads,
-- with Moodle 4.4's names and types (prefix mdl_). Runs unchanged on SQLite 3.40 and
-- PostgreSQL 15: explicit ids, BIGINT/SMALLINT/VARCHAR/TEXT only. Data: data.sql.
-- No semicolon inside a statement (t/lib/SenceMoodle.pm splits on ";" at end of line).

CREATE TABLE mdl_config (
    id BIGINT NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL DEFAULT '',
    value TEXT NOT NULL
);
CREATE UNIQUE INDEX mdl_conf_nam_uix ON mdl_config (name);

CREATE TABLE mdl_sessions (
    id BIGINT NOT NULL PRIMARY KEY,
    state BIGINT NOT NULL DEFAULT 0,
    sid VARCHAR(128) NOT NULL DEFAULT '',
    userid BIGINT NOT NULL,
    sessdata TEXT,
    timecreated BIGINT NOT NULL,
    timemodified BIGINT NOT NULL,
    firstip VARCHAR(45),
    lastip VARCHAR(45)
);
CREATE UNIQUE INDEX mdl_sess_sid_uix ON mdl_sessions (sid);
CREATE INDEX mdl_sess_sta_ix ON mdl_sessions (state);
CREATE INDEX mdl_sess_tim_ix ON mdl_sessions (timecreated);
CREATE INDEX mdl_sess_tim2_ix ON mdl_sessions (timemodified);
CREATE INDEX mdl_sess_use_ix ON mdl_sessions (userid);

CREATE TABLE mdl_user (
    id BIGINT NOT NULL PRIMARY KEY,
    auth VARCHAR(20) NOT NULL DEFAULT 'manual',
    deleted SMALLINT NOT NULL DEFAULT 0,
    suspended SMALLINT NOT NULL DEFAULT 0,
    username VARCHAR(100) NOT NULL DEFAULT '',
    idnumber VARCHAR(255) NOT NULL DEFAULT '',
    firstname VARCHAR(100) NOT NULL DEFAULT '',
    lastname VARCHAR(100) NOT NULL DEFAULT '',
    email VARCHAR(100) NOT NULL DEFAULT '',
    phone1 VARCHAR(20) NOT NULL DEFAULT '',
    phone2 VARCHAR(20) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX mdl_user_use_uix ON mdl_user (username);
CREATE INDEX mdl_user_idn_ix ON mdl_user (idnumber);

CREATE TABLE mdl_course (
    id BIGINT NOT NULL PRIMARY KEY,
    category BIGINT NOT NULL DEFAULT 0,
    fullname VARCHAR(254) NOT NULL DEFAULT '',
    shortname VARCHAR(255) NOT NULL DEFAULT '',
    idnumber VARCHAR(100) NOT NULL DEFAULT '',
    visible SMALLINT NOT NULL DEFAULT 1
);
CREATE INDEX mdl_cour_idn_ix ON mdl_course (idnumber);
CREATE INDEX mdl_cour_sho_ix ON mdl_course (shortname);

CREATE TABLE mdl_modules (
    id BIGINT NOT NULL PRIMARY KEY,
    name VARCHAR(20) NOT NULL DEFAULT '',
    visible SMALLINT NOT NULL DEFAULT 1
);
CREATE INDEX mdl_modu_nam_ix ON mdl_modules (name);

CREATE TABLE mdl_course_modules (
    id BIGINT NOT NULL PRIMARY KEY,
    course BIGINT NOT NULL DEFAULT 0,
    module BIGINT NOT NULL DEFAULT 0,
    instance BIGINT NOT NULL DEFAULT 0,
    visible SMALLINT NOT NULL DEFAULT 1
);
CREATE INDEX mdl_courmodu_cou_ix ON mdl_course_modules (course);
CREATE INDEX mdl_courmodu_mod_ix ON mdl_course_modules (module);
CREATE INDEX mdl_courmodu_ins_ix ON mdl_course_modules (instance);

CREATE TABLE mdl_page (
    id BIGINT NOT NULL PRIMARY KEY,
    course BIGINT NOT NULL DEFAULT 0,
    name VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE INDEX mdl_page_cou_ix ON mdl_page (course);

CREATE TABLE mdl_resource (
    id BIGINT NOT NULL PRIMARY KEY,
    course BIGINT NOT NULL DEFAULT 0,
    name VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE INDEX mdl_reso_cou_ix ON mdl_resource (course);

CREATE TABLE mdl_forum (
    id BIGINT NOT NULL PRIMARY KEY,
    course BIGINT NOT NULL DEFAULT 0,
    name VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE INDEX mdl_foru_cou_ix ON mdl_forum (course);

CREATE TABLE mdl_url (
    id BIGINT NOT NULL PRIMARY KEY,
    course BIGINT NOT NULL DEFAULT 0,
    name VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE INDEX mdl_url_cou_ix ON mdl_url (course);

CREATE TABLE mdl_context (
    id BIGINT NOT NULL PRIMARY KEY,
    contextlevel BIGINT NOT NULL DEFAULT 0,
    instanceid BIGINT NOT NULL DEFAULT 0,
    path VARCHAR(255),
    depth SMALLINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX mdl_cont_conins_uix ON mdl_context (contextlevel, instanceid);
CREATE INDEX mdl_cont_pat_ix ON mdl_context (path);

CREATE TABLE mdl_groups (
    id BIGINT NOT NULL PRIMARY KEY,
    courseid BIGINT NOT NULL,
    name VARCHAR(254) NOT NULL DEFAULT ''
);
CREATE INDEX mdl_grou_cou_ix ON mdl_groups (courseid);

CREATE TABLE mdl_groups_members (
    id BIGINT NOT NULL PRIMARY KEY,
    groupid BIGINT NOT NULL DEFAULT 0,
    userid BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX mdl_groumemb_usegro_uix ON mdl_groups_members (userid, groupid);

CREATE TABLE mdl_role (
    id BIGINT NOT NULL PRIMARY KEY,
    shortname VARCHAR(100) NOT NULL DEFAULT '',
    name VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX mdl_role_sho_uix ON mdl_role (shortname);

CREATE TABLE mdl_role_assignments (
    id BIGINT NOT NULL PRIMARY KEY,
    roleid BIGINT NOT NULL DEFAULT 0,
    contextid BIGINT NOT NULL DEFAULT 0,
    userid BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX mdl_roleassi_rolcon_ix ON mdl_role_assignments (roleid, contextid);
CREATE INDEX mdl_roleassi_useconrol_ix ON mdl_role_assignments (userid, contextid, roleid);

-- Course sections (course/section.php?id=N), web-service tokens (mobile app) and private
-- file keys (tokenpluginfile.php): how mod_sence resolves those requests.
CREATE TABLE mdl_course_sections (
    id BIGINT NOT NULL PRIMARY KEY,
    course BIGINT NOT NULL DEFAULT 0,
    section BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE mdl_external_tokens (
    id BIGINT NOT NULL PRIMARY KEY,
    token VARCHAR(128) NOT NULL DEFAULT '',
    tokentype SMALLINT NOT NULL DEFAULT 0,
    userid BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE mdl_user_private_key (
    id BIGINT NOT NULL PRIMARY KEY,
    script VARCHAR(128) NOT NULL DEFAULT '',
    value VARCHAR(128) NOT NULL DEFAULT '',
    userid BIGINT NOT NULL DEFAULT 0
);

-- Content named by other ids (forum discussions and posts, glossary entries, quiz attempts):
-- how mod_sence finds their course.
CREATE TABLE mdl_forum_discussions (
    id BIGINT NOT NULL PRIMARY KEY,
    course BIGINT NOT NULL DEFAULT 0,
    forum BIGINT NOT NULL DEFAULT 0,
    name VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE TABLE mdl_forum_posts (
    id BIGINT NOT NULL PRIMARY KEY,
    discussion BIGINT NOT NULL DEFAULT 0,
    subject VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE TABLE mdl_glossary (
    id BIGINT NOT NULL PRIMARY KEY,
    course BIGINT NOT NULL DEFAULT 0,
    name VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE TABLE mdl_glossary_entries (
    id BIGINT NOT NULL PRIMARY KEY,
    glossaryid BIGINT NOT NULL DEFAULT 0,
    concept VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE TABLE mdl_quiz (
    id BIGINT NOT NULL PRIMARY KEY,
    course BIGINT NOT NULL DEFAULT 0,
    name VARCHAR(255) NOT NULL DEFAULT ''
);
CREATE TABLE mdl_quiz_attempts (
    id BIGINT NOT NULL PRIMARY KEY,
    quiz BIGINT NOT NULL DEFAULT 0,
    userid BIGINT NOT NULL DEFAULT 0
);
