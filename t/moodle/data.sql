-- Sample data for schema.sql (see README.md). Runs unchanged on SQLite 3.40 and PostgreSQL 15.
-- Live sessions carry timecreated = timemodified = 0 here: the loaders (t/lib/SenceMoodle.pm,
-- scripts/test) set them to the current time, since a static timestamp would be stale.
-- Ids of different kinds are kept apart (courses 1-4, course_modules 101-402, instances 11-41,
-- contexts 1-91) so that a lookup in the wrong table finds nothing.

INSERT INTO mdl_config (id, name, value) VALUES
    (1, 'sessiontimeout', '28800'),
    (2, 'siteadmins', '2,8'),
    (3, 'sessioncookie', ''),
    (4, 'version', '2024042200.00');

-- Users: 1 guest, 2 admin (site admin, not enrolled), 3-10 see below.
INSERT INTO mdl_user (id, auth, deleted, suspended, username, idnumber, firstname, lastname, email, phone1, phone2) VALUES
    (1, 'manual', 0, 0, 'guest', '', 'Invitado', ' ', 'root@localhost', '', ''),
    (2, 'manual', 0, 0, 'admin', '', 'Admin', 'Usuario', 'admin@example.cl', '', ''),
    (3, 'manual', 0, 0, '12345678-5', '12345678-5', 'Ana', 'Alumna Uno', 'alumno1@example.cl', '+56911111111', '221111111'),
    (4, 'manual', 0, 0, 'alumno2', '11111111-1', 'Bruno', 'Alumno Dos', 'alumno2@example.cl', '+56922222222', ''),
    (5, 'manual', 0, 0, 'becario', '22222222-2', 'Carla', 'Becaria', 'becario@example.cl', '', ''),
    (6, 'manual', 0, 0, 'profesor', '10000013-k', 'Diego', 'Profesor', 'profesor@example.cl', '', ''),
    (7, 'manual', 0, 0, 'alumno3', '12345678-4', 'Elena', 'RUN Malo', 'alumno3@example.cl', '', ''),
    (8, 'manual', 0, 0, 'admin2', '14141414-3', 'Fabián', 'Segundo Admin', 'admin2@example.cl', '', ''),
    (9, 'manual', 0, 0, 'coordinador', '13131313-6', 'Gloria', 'Coordinadora', 'coordinador@example.cl', '', ''),
    (10, 'manual', 0, 0, '5126663-3', '', 'Héctor', 'Sin Idnumber', 'alumno4@example.cl', '', '');

-- Courses: 1 is the front page (site course). 4 is not configured in Apache (never gated).
INSERT INTO mdl_course (id, category, fullname, shortname, idnumber, visible) VALUES
    (1, 0, 'Plataforma de capacitación', 'PLATAFORMA', '', 1),
    (2, 1, 'Excel intermedio', 'EXCEL-INT', 'RLAB-19-02-08-0071-1', 1),
    (3, 1, 'Word básico', 'WORD-BAS', 'RLAB-20-01-01-0001-1', 1),
    (4, 1, 'Curso libre', 'LIBRE', '', 1);

INSERT INTO mdl_modules (id, name, visible) VALUES
    (9, 'forum', 1),
    (15, 'page', 1),
    (17, 'resource', 1),
    (20, 'url', 1);

INSERT INTO mdl_course_modules (id, course, module, instance, visible) VALUES
    (101, 1, 9, 30, 1),
    (201, 2, 15, 11, 1),
    (202, 2, 17, 21, 1),
    (203, 2, 9, 31, 1),
    (204, 2, 20, 41, 1),
    (301, 3, 15, 12, 1),
    (302, 3, 17, 22, 1),
    (401, 4, 15, 13, 1),
    (402, 4, 9, 32, 1);

INSERT INTO mdl_page (id, course, name) VALUES
    (11, 2, 'Módulo 1: fórmulas'),
    (12, 3, 'Unidad 1: estilos'),
    (13, 4, 'Bienvenida');

INSERT INTO mdl_resource (id, course, name) VALUES
    (21, 2, 'Guía de ejercicios (PDF)'),
    (22, 3, 'Plantilla de carta');

INSERT INTO mdl_forum (id, course, name) VALUES
    (30, 1, 'Novedades del sitio'),
    (31, 2, 'Foro de consultas'),
    (32, 4, 'Foro libre');

INSERT INTO mdl_url (id, course, name) VALUES
    (41, 2, 'Documentación de Excel');

-- Contexts: 10 system, 30 user, 40 category, 50 course, 70 module, 80 block.
-- Courses 2 and 4 sit directly under the system context; course 3 under a category context
-- (as in a stock Moodle), so the course is not always the second element of the path.
INSERT INTO mdl_context (id, contextlevel, instanceid, path, depth) VALUES
    (1, 10, 0, '/1', 1),
    (2, 50, 1, '/1/2', 2),
    (3, 40, 1, '/1/3', 2),
    (5, 30, 3, '/1/5', 2),
    (6, 80, 1, '/1/5/6', 3),
    (20, 50, 2, '/1/20', 2),
    (30, 50, 3, '/1/3/30', 3),
    (40, 50, 4, '/1/40', 2),
    (61, 70, 201, '/1/20/61', 3),
    (62, 70, 202, '/1/20/62', 3),
    (63, 70, 203, '/1/20/63', 3),
    (64, 70, 204, '/1/20/64', 3),
    (65, 80, 2, '/1/20/65', 3),
    (66, 80, 3, '/1/20/61/66', 4),
    (71, 70, 301, '/1/3/30/71', 4),
    (72, 70, 302, '/1/3/30/72', 4),
    (73, 80, 4, '/1/3/30/73', 4),
    (81, 70, 401, '/1/40/81', 3),
    (82, 70, 402, '/1/40/82', 3),
    (91, 70, 101, '/1/2/91', 3);

INSERT INTO mdl_role (id, shortname, name) VALUES
    (1, 'manager', ''),
    (2, 'coursecreator', ''),
    (3, 'editingteacher', ''),
    (4, 'teacher', ''),
    (5, 'student', ''),
    (6, 'guest', ''),
    (7, 'user', ''),
    (8, 'frontpage', '');

INSERT INTO mdl_role_assignments (id, roleid, contextid, userid) VALUES
    (1, 5, 20, 3),
    (2, 5, 30, 3),
    (3, 5, 40, 3),
    (4, 5, 20, 4),
    (5, 5, 20, 5),
    (6, 3, 20, 6),
    (7, 5, 30, 6),
    (8, 5, 20, 7),
    (9, 5, 20, 8),
    (10, 5, 20, 9),
    (11, 1, 20, 9),
    (12, 5, 20, 10);

-- "Becarios" of course 2 holds becario; the "Becarios" of course 3 holds alumno2, who is a
-- student of course 2 only (an exempt group name in another course exempts nothing).
INSERT INTO mdl_groups (id, courseid, name) VALUES
    (1, 2, 'Becarios'),
    (2, 2, 'Grupo A'),
    (3, 3, 'Becarios');

INSERT INTO mdl_groups_members (id, groupid, userid) VALUES
    (1, 1, 5),
    (2, 2, 3),
    (3, 2, 4),
    (4, 3, 4);

-- One live session per user (timemodified 0 = set to now by the loader), an anonymous visitor
-- (userid 0), the guest, and a stale row of alumno1 (older than sessiontimeout).
INSERT INTO mdl_sessions (id, state, sid, userid, sessdata, timecreated, timemodified, firstip, lastip) VALUES
    (1, 0, 'sid-anon', 0, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (2, 0, 'sid-guest', 1, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (3, 0, 'sid-admin', 2, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (4, 0, 'sid-alumno1', 3, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (5, 0, 'sid-alumno2', 4, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (6, 0, 'sid-becario', 5, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (7, 0, 'sid-profesor', 6, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (8, 0, 'sid-alumno3', 7, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (9, 0, 'sid-admin2', 8, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (10, 0, 'sid-coordinador', 9, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (11, 0, 'sid-alumno4', 10, NULL, 0, 0, '127.0.0.1', '127.0.0.1'),
    (12, 0, 'sid-stale', 3, NULL, 1000000000, 1000000000, '127.0.0.1', '127.0.0.1');

-- Sections 501-502 of course 2, 601 of course 4.
INSERT INTO mdl_course_sections (id, course, section) VALUES
    (501, 2, 0), (502, 2, 1), (601, 4, 0);
-- Mobile-app tokens and private file keys: alumno1 (3) and profesor (6).
INSERT INTO mdl_external_tokens (id, token, tokentype, userid) VALUES
    (1, 'wstokenalumno1', 0, 3), (2, 'wstokenprofesor', 0, 6);
INSERT INTO mdl_user_private_key (id, script, value, userid) VALUES
    (1, 'core_files', 'filekeyalumno1', 3);

-- Discussions 701 (forum 31, course 2) and 702 (forum 32, course 4), their first posts 801 and
-- 802; glossary entries 901 (course 2) and 902 (course 4); quiz attempts 1001 (course 2) and
-- 1002 (course 4).
INSERT INTO mdl_forum_discussions (id, course, forum, name) VALUES
    (701, 2, 31, 'Dudas del módulo 1'), (702, 4, 32, 'Presentaciones');
INSERT INTO mdl_forum_posts (id, discussion, subject) VALUES
    (801, 701, 'Dudas del módulo 1'), (802, 702, 'Presentaciones');
INSERT INTO mdl_glossary (id, course, name) VALUES (51, 2, 'Glosario Excel'), (52, 4, 'Glosario libre');
INSERT INTO mdl_glossary_entries (id, glossaryid, concept) VALUES (901, 51, 'Celda'), (902, 52, 'Hola');
INSERT INTO mdl_quiz (id, course, name) VALUES (61, 2, 'Control 1'), (62, 4, 'Quiz libre');
INSERT INTO mdl_quiz_attempts (id, quiz, userid) VALUES (1001, 61, 3), (1002, 62, 3);
