<?php
// Seeds a freshly installed Moodle 4.4 for the real-Moodle tests (scripts/moodle-real):
// three courses with one activity of each common type, users, a group, web services,
// and writes every id the tests need to a JSON file.
//
//   php -d max_input_vars=5000 seed.php MOODLE_DIR OUT.json
//
// Run as the web server's user (files land in the dataroot). Uses Moodle's own API and its
// testing data generators (lib/testing/generator), which work from the CLI as well.
// Every text of courses A and B carries a unique marker MARK-<A|B>-<what>-<hex>; course C
// (not gated) carries FREE-C-<what>-<hex>. The tests look for these strings.

define('CLI_SCRIPT', true);

if ($argc < 3) {
    fwrite(STDERR, "usage: php seed.php MOODLE_DIR OUT.json\n");
    exit(2);
}
$moodledir = $argv[1];
$outfile = $argv[2];

require($moodledir . '/config.php');
require_once($CFG->libdir . '/testing/generator/lib.php');
require_once($CFG->dirroot . '/course/lib.php');
require_once($CFG->dirroot . '/user/lib.php');
require_once($CFG->dirroot . '/group/lib.php');
require_once($CFG->dirroot . '/calendar/lib.php');
require_once($CFG->dirroot . '/mod/quiz/locallib.php');
require_once($CFG->libdir . '/questionlib.php');
require_once($CFG->libdir . '/externallib.php');

\core\session\manager::set_user(get_admin());

$gen = new testing_data_generator();
$out = ['markers' => [], 'courses' => [], 'users' => []];

// A marker for course $key ('A', 'B', 'C') and thing $what; recorded in the JSON.
function sence_mark(string $key, string $what): string {
    global $out;
    $prefix = $key === 'C' ? 'FREE-C' : "MARK-$key";
    $m = $prefix . '-' . $what . '-' . substr(sha1("sence-real-$key-$what"), 0, 4);
    $out['markers'][$key][$what] = $m;
    return $m;
}

// A file in the admin's draft area (for resource and page files); returns the draft item id.
function sence_draft_file(string $filename, string $content): int {
    global $USER;
    $draftid = file_get_unused_draft_itemid();
    $fs = get_file_storage();
    $fs->create_file_from_string([
        'component' => 'user', 'filearea' => 'draft', 'contextid' => context_user::instance($USER->id)->id,
        'itemid' => $draftid, 'filepath' => '/', 'filename' => $filename,
    ], $content);
    return $draftid;
}

function sence_pluginfile(int $ctxid, string $component, string $area, int $item, string $file): string {
    return "/$ctxid/$component/$area/$item/$file";
}

// ---- site settings ----------------------------------------------------------------------
set_config('enablewebservices', 1);
set_config('enablemobilewebservice', 1);
set_config('webserviceprotocols', 'rest');
$DB->set_field('external_services', 'enabled', 1, ['shortname' => MOODLE_OFFICIAL_MOBILE_SERVICE]);
// As "Enable web services for mobile devices" does: authenticated users may use REST.
assign_capability('webservice/rest:use', CAP_ALLOW, $CFG->defaultuserroleid, context_system::instance()->id, true);
set_config('passwordpolicy', 0);
set_config('calendar_exportsalt', 'sence-real-salt');
// No welcome/onboarding interruptions on the pages the tests read.
set_config('enableuserfeedback', 0);
set_config('showuseridentity', '');

// ---- users -----------------------------------------------------------------------------
$users = [
    'alumno'   => ['idnumber' => '12345678-5', 'firstname' => 'Ana',    'lastname' => 'Alumna'],
    'alumno2'  => ['idnumber' => '11111111-1', 'firstname' => 'Bruno',  'lastname' => 'Segundo'],
    'profesor' => ['idnumber' => '',           'firstname' => 'Pedro',  'lastname' => 'Profesor'],
    'becario'  => ['idnumber' => '10000013-K', 'firstname' => 'Berta',  'lastname' => 'Becaria'],
];
$password = 'Clave-123!';
$u = [];
foreach ($users as $name => $f) {
    $u[$name] = $gen->create_user([
        'username' => $name, 'password' => $password, 'auth' => 'manual',
        'idnumber' => $f['idnumber'], 'firstname' => $f['firstname'], 'lastname' => $f['lastname'],
        'email' => "$name@example.invalid", 'policyagreed' => 1,
    ]);
    $out['users'][$name] = ['id' => (int) $u[$name]->id, 'idnumber' => $f['idnumber'], 'password' => $password];
}
$admin = get_admin();
$out['users']['admin'] = ['id' => (int) $admin->id, 'idnumber' => '', 'password' => getenv('SENCE_ADMIN_PASS') ?: 'Admin-123!'];

// ---- courses ---------------------------------------------------------------------------
$coursedefs = [
    'A' => ['shortname' => 'SENCE-A', 'idnumber' => 'RLAB-19-02-08-0071-1', 'fullname' => 'Curso SENCE A'],
    'B' => ['shortname' => 'SENCE-B', 'idnumber' => 'RLAB-20-01-01-0001-1', 'fullname' => 'Curso SENCE B'],
    'C' => ['shortname' => 'LIBRE',   'idnumber' => '',                     'fullname' => 'Curso libre C'],
];
// Who is enrolled where, and as what.
$enrol = [
    'A' => ['alumno' => 'student', 'alumno2' => 'student', 'profesor' => 'editingteacher', 'becario' => 'student'],
    'B' => ['alumno2' => 'student'],
    'C' => ['alumno' => 'student'],
];
// The student whose quiz attempts are created in each course.
$attempter = ['A' => 'alumno', 'B' => 'alumno2', 'C' => 'alumno'];

foreach ($coursedefs as $key => $def) {
    $c = [];
    $course = $gen->create_course([
        'shortname' => $def['shortname'], 'fullname' => $def['fullname'], 'idnumber' => $def['idnumber'],
        'summary' => '<p>' . sence_mark($key, 'course-summary') . '</p>', 'summaryformat' => FORMAT_HTML,
        'format' => 'topics', 'numsections' => 2, 'enablecompletion' => 1, 'showgrades' => 1,
    ], ['createsections' => true]);
    $cctx = context_course::instance($course->id);
    $c['id'] = (int) $course->id;
    $c['shortname'] = $def['shortname'];
    $c['idnumber'] = $def['idnumber'];
    $c['contextid'] = (int) $cctx->id;

    // Section summaries (and names) carry markers too.
    foreach ([0, 1, 2] as $sn) {
        $sec = $DB->get_record('course_sections', ['course' => $course->id, 'section' => $sn], '*', MUST_EXIST);
        $sec->summary = '<p>' . sence_mark($key, "section$sn-summary") . '</p>';
        $sec->summaryformat = FORMAT_HTML;
        if ($sn > 0) {
            $sec->name = sence_mark($key, "section$sn-name");
        }
        $DB->update_record('course_sections', $sec);
        $c['sections'][$sn] = (int) $sec->id;
    }
    rebuild_course_cache($course->id, true);

    foreach ($enrol[$key] as $name => $role) {
        $gen->enrol_user($u[$name]->id, $course->id, $role, 'manual');
    }

    $mods = [];
    // page, with an image of its own (an SVG that carries a marker) in its content area
    $svg = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40"><text x="5" y="25">'
        . sence_mark($key, 'page-svg') . '</text></svg>';
    $page = $gen->create_module('page', [
        'course' => $course->id, 'section' => 1,
        'name' => sence_mark($key, 'page-name'), 'intro' => '<p>' . sence_mark($key, 'page-intro') . '</p>',
        'content' => '<p>' . sence_mark($key, 'page-content') . '</p><p><img src="@@PLUGINFILE@@/imagen.svg" alt="img"></p>',
        'contentformat' => FORMAT_HTML, 'printintro' => 1, 'display' => 5,
    ]);
    $pctx = context_module::instance($page->cmid);
    get_file_storage()->create_file_from_string([
        'component' => 'mod_page', 'filearea' => 'content', 'contextid' => $pctx->id,
        'itemid' => 0, 'filepath' => '/', 'filename' => 'imagen.svg',
    ], $svg);
    $mods['page'] = ['cmid' => (int) $page->cmid, 'instance' => (int) $page->id, 'contextid' => (int) $pctx->id,
        'file' => sence_pluginfile($pctx->id, 'mod_page', 'content', (int) $page->revision, 'imagen.svg'),
        'filepath' => 'mod_page/content/' . (int) $page->revision . '/imagen.svg'];

    // resource: an uploaded text file
    $draft = sence_draft_file('apunte.txt', sence_mark($key, 'resource-file') . "\nApunte del curso.\n");
    $res = $gen->create_module('resource', [
        'course' => $course->id, 'section' => 1, 'files' => $draft,
        'name' => sence_mark($key, 'resource-name'), 'intro' => '<p>' . sence_mark($key, 'resource-intro') . '</p>',
        'display' => 0, 'printintro' => 1,
    ]);
    $rctx = context_module::instance($res->cmid);
    $mods['resource'] = ['cmid' => (int) $res->cmid, 'instance' => (int) $res->id, 'contextid' => (int) $rctx->id,
        'file' => sence_pluginfile($rctx->id, 'mod_resource', 'content', 0, 'apunte.txt'),
        'filepath' => 'mod_resource/content/0/apunte.txt'];

    // forum with a discussion and two posts
    $forum = $gen->create_module('forum', [
        'course' => $course->id, 'section' => 1, 'type' => 'general',
        'name' => sence_mark($key, 'forum-name'), 'intro' => '<p>' . sence_mark($key, 'forum-intro') . '</p>',
    ]);
    $fgen = $gen->get_plugin_generator('mod_forum');
    $teacher = $key === 'A' ? $u['profesor'] : $admin;
    $disc = $fgen->create_discussion([
        'course' => $course->id, 'forum' => $forum->id, 'userid' => $teacher->id,
        'name' => sence_mark($key, 'discussion-subject'), 'subject' => sence_mark($key, 'discussion-subject'),
        'message' => '<p>' . sence_mark($key, 'discussion-message') . '</p>',
    ]);
    $reply = $fgen->create_post([
        'discussion' => $disc->id, 'parent' => $disc->firstpost, 'userid' => $u[$attempter[$key]]->id,
        'subject' => 'Re: ' . sence_mark($key, 'discussion-subject'),
        'message' => '<p>' . sence_mark($key, 'post-reply') . '</p>',
    ]);
    $mods['forum'] = ['cmid' => (int) $forum->cmid, 'instance' => (int) $forum->id,
        'contextid' => (int) context_module::instance($forum->cmid)->id,
        'discussion' => (int) $disc->id, 'firstpost' => (int) $disc->firstpost, 'reply' => (int) $reply->id];

    // book with two chapters
    $book = $gen->create_module('book', [
        'course' => $course->id, 'section' => 1,
        'name' => sence_mark($key, 'book-name'), 'intro' => '<p>' . sence_mark($key, 'book-intro') . '</p>',
    ]);
    $bgen = $gen->get_plugin_generator('mod_book');
    $ch1 = $bgen->create_chapter(['bookid' => $book->id, 'pagenum' => 1, 'title' => sence_mark($key, 'chapter1-title'),
        'content' => '<p>' . sence_mark($key, 'chapter1-content') . '</p>', 'contentformat' => FORMAT_HTML]);
    $ch2 = $bgen->create_chapter(['bookid' => $book->id, 'pagenum' => 2, 'title' => sence_mark($key, 'chapter2-title'),
        'content' => '<p>' . sence_mark($key, 'chapter2-content') . '</p>', 'contentformat' => FORMAT_HTML]);
    $mods['book'] = ['cmid' => (int) $book->cmid, 'instance' => (int) $book->id,
        'contextid' => (int) context_module::instance($book->cmid)->id,
        'chapters' => [(int) $ch1->id, (int) $ch2->id]];

    // glossary with an entry
    $glossary = $gen->create_module('glossary', [
        'course' => $course->id, 'section' => 1,
        'name' => sence_mark($key, 'glossary-name'), 'intro' => '<p>' . sence_mark($key, 'glossary-intro') . '</p>',
    ]);
    $entry = $gen->get_plugin_generator('mod_glossary')->create_content($glossary, [
        'concept' => sence_mark($key, 'glossary-concept'),
        'definition' => '<p>' . sence_mark($key, 'glossary-definition') . '</p>', 'definitionformat' => FORMAT_HTML,
        'userid' => $teacher->id, 'approved' => 1,
    ]);
    $mods['glossary'] = ['cmid' => (int) $glossary->cmid, 'instance' => (int) $glossary->id,
        'contextid' => (int) context_module::instance($glossary->cmid)->id, 'entry' => (int) $entry->id];

    // quiz with one question, a finished attempt and one in progress by the student
    $quiz = $gen->create_module('quiz', [
        'course' => $course->id, 'section' => 2, 'questionsperpage' => 0, 'grade' => 100, 'sumgrades' => 1,
        'name' => sence_mark($key, 'quiz-name'), 'intro' => '<p>' . sence_mark($key, 'quiz-intro') . '</p>',
    ]);
    // The question is saved as its editing form would (the question generator needs PHPUnit).
    $qcat = question_make_default_categories([$cctx]);
    $qform = (object) [
        'category' => $qcat->id . ',' . $cctx->id, 'name' => sence_mark($key, 'question-name'),
        'questiontext' => ['text' => '<p>' . sence_mark($key, 'question-text') . '</p>', 'format' => FORMAT_HTML],
        'generalfeedback' => ['text' => '<p>' . sence_mark($key, 'question-feedback') . '</p>', 'format' => FORMAT_HTML],
        'defaultmark' => 1.0, 'usecase' => false, 'answer' => ['frog', '*'], 'fraction' => ['1.0', '0.0'],
        'feedback' => [['text' => '<p>' . sence_mark($key, 'answer-feedback') . '</p>', 'format' => FORMAT_HTML],
                       ['text' => 'No.', 'format' => FORMAT_HTML]],
        'status' => \core_question\local\bank\question_version_status::QUESTION_STATUS_READY,
    ];
    $question = (object) ['qtype' => 'shortanswer', 'category' => $qcat->id, 'contextid' => $cctx->id,
        'createdby' => $admin->id, 'modifiedby' => $admin->id];
    $question = question_bank::get_qtype('shortanswer')->save_question($question, $qform);
    quiz_add_quiz_question($question->id, $quiz);
    \mod_quiz\quiz_settings::create($quiz->id)->get_grade_calculator()->recompute_quiz_sumgrades();
    $quizgen = $gen->get_plugin_generator('mod_quiz');
    $student = $u[$attempter[$key]];
    \core\session\manager::set_user($student);
    $att1 = $quizgen->create_attempt($quiz->id, $student->id);
    $attemptobj = \mod_quiz\quiz_attempt::create($att1->id);
    $qa = $attemptobj->get_question_attempt(1);
    $attemptobj->process_submitted_actions(time(), false, [
        'slots' => '1', $qa->get_qt_field_name('answer') => 'frog',
        $qa->get_control_field_name('sequencecheck') => $qa->get_sequence_check_count(),
    ]);
    $attemptobj->process_finish(time(), false);
    $att2 = $quizgen->create_attempt($quiz->id, $student->id);
    \core\session\manager::set_user(get_admin());
    $mods['quiz'] = ['cmid' => (int) $quiz->cmid, 'instance' => (int) $quiz->id,
        'contextid' => (int) context_module::instance($quiz->cmid)->id, 'question' => (int) $question->id,
        'attempt_finished' => (int) $att1->id, 'attempt_open' => (int) $att2->id,
        'usage_finished' => (int) $att1->uniqueid, 'usage_open' => (int) $att2->uniqueid];

    // assignment with intro text
    $assign = $gen->create_module('assign', [
        'course' => $course->id, 'section' => 2,
        'name' => sence_mark($key, 'assign-name'), 'intro' => '<p>' . sence_mark($key, 'assign-intro') . '</p>',
        'alwaysshowdescription' => 1, 'duedate' => time() + 3 * DAYSECS,
        'assignsubmission_onlinetext_enabled' => 1,
    ]);
    $mods['assign'] = ['cmid' => (int) $assign->cmid, 'instance' => (int) $assign->id,
        'contextid' => (int) context_module::instance($assign->cmid)->id];

    // label, URL
    $label = $gen->create_module('label', [
        'course' => $course->id, 'section' => 0, 'intro' => '<p>' . sence_mark($key, 'label-text') . '</p>',
    ]);
    $mods['label'] = ['cmid' => (int) $label->cmid, 'instance' => (int) $label->id];
    $url = $gen->create_module('url', [
        'course' => $course->id, 'section' => 2, 'externalurl' => 'https://example.invalid/' . sence_mark($key, 'url-target'),
        'name' => sence_mark($key, 'url-name'), 'intro' => '<p>' . sence_mark($key, 'url-intro') . '</p>',
        'display' => 5, 'printintro' => 1, 'showdescription' => 1,
    ]);
    $mods['url'] = ['cmid' => (int) $url->cmid, 'instance' => (int) $url->id,
        'contextid' => (int) context_module::instance($url->cmid)->id];

    // a course event, tomorrow
    $event = $gen->create_event([
        'eventtype' => 'course', 'courseid' => $course->id, 'name' => sence_mark($key, 'event-name'),
        'description' => '<p>' . sence_mark($key, 'event-description') . '</p>', 'format' => FORMAT_HTML,
        'timestart' => time() + DAYSECS, 'timeduration' => HOURSECS, 'userid' => $admin->id,
    ]);
    $c['event'] = (int) $event->id;
    $c['event_time'] = (int) $event->timestart;

    $c['mods'] = $mods;
    $out['courses'][$key] = $c;
}

// The exemption group of course A.
$group = $gen->create_group(['courseid' => $out['courses']['A']['id'], 'name' => 'Becarios']);
$gen->create_group_member(['groupid' => $group->id, 'userid' => $u['becario']->id]);
$out['courses']['A']['group'] = (int) $group->id;

// ---- web services: a mobile-app token, a files key and the calendar export token ---------
$service = $DB->get_record('external_services', ['shortname' => MOODLE_OFFICIAL_MOBILE_SERVICE], '*', MUST_EXIST);
foreach (['alumno', 'alumno2'] as $name) {
    $out['users'][$name]['wstoken'] = \core_external\util::generate_token(EXTERNAL_TOKEN_PERMANENT, $service,
        $u[$name]->id, context_system::instance());
    $out['users'][$name]['fileskey'] = get_user_key('core_files', $u[$name]->id);
    $out['users'][$name]['calendar_authtoken'] = calendar_get_export_token($DB->get_record('user', ['id' => $u[$name]->id]));
}

purge_all_caches();

if (file_put_contents($outfile, json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n") === false) {
    fwrite(STDERR, "seed.php: cannot write $outfile\n");
    exit(1);
}
echo "seeded: courses " . implode(', ', array_map(fn($k) => "$k=" . $out['courses'][$k]['id'], array_keys($out['courses'])))
    . "; " . count($out['markers']['A']) . " markers per course\n";
