/* sencectl's reading of SENCE's answers (mod_sence/ctl/html.c) over many ways of writing the
 * same page, and pages that must not read as OK. */
#include "check.h"
#include "../ctl/ctl.h"

#include <apr_strings.h>

#define UE "https://sencectl.invalid/error"

static apr_pool_t *pool;

/* The codes read from page as "211;204", "login" or "unreadable". */
static const char *read_page(const char *page)
{
    apr_array_header_t *codes;
    const char *why, *out = "";
    int i;

    switch (ctl_html_read(pool, page, strlen(page), UE, &codes, &why)) {
    case CTL_ANSWER_LOGIN:
        return "login";
    case CTL_ANSWER_UNREADABLE:
        return "unreadable";
    case CTL_ANSWER_ERROR:
        break;
    }
    for (i = 0; i < codes->nelts; i++)
        out = apr_psprintf(pool, "%s%s%d", out, i ? ";" : "", APR_ARRAY_IDX(codes, i, int));
    return out;
}

int main(void)
{
    apr_initialize();
    apr_pool_create(&pool, NULL);

    /* the simulator's standard page */
    CHECK_STR(read_page("<!DOCTYPE html><html><body><form id=\"f\" method=\"post\" action=\"" UE
                        "\"><input type=\"hidden\" name=\"CodSence\" value=\"1234567890\">"
                        "<input type=\"hidden\" name=\"GlosaError\" value=\"211;204\"></form>"
                        "<script>document.forms[0].submit()</script></body></html>"),
              "211;204");
    /* attribute order, single quotes, self-closing inputs, blanks around the values */
    CHECK_STR(read_page("<form method='post' action=' " UE " '><input value=' 206 ' "
                        "name='GlosaError' type='hidden'/></form>"),
              "206");
    /* unquoted values, upper case */
    CHECK_STR(read_page("<HTML><BODY><FORM METHOD=POST ACTION=" UE "><INPUT TYPE=HIDDEN "
                        "NAME=GLOSAERROR VALUE=303></FORM></BODY></HTML>"),
              "303");
    /* broken markup: no html/body, unclosed elements, stray end tags */
    CHECK_STR(read_page("<p>Error<div></span><form action=\"" UE "\" method=post><p>"
                        "<input type=hidden name=\"GlosaError\" value=\"212\"<button>Continuar"),
              "212");
    /* several forms; one field per code; other forms' GlosaError ignored */
    CHECK_STR(read_page("<form action=\"/buscar\"><input name=\"GlosaError\" value=\"999\">"
                        "</form><form action=\"" UE "\"><input name=\"GlosaError\" value=\"204\">"
                        "<input name=\"GlosaError\" value=\"205;204\"></form>"
                        "<form action=\"/otra\"><input name=\"GlosaError\" value=\"100\"></form>"),
              "204;205");
    /* a form the parser closes early (inside a table row) */
    CHECK_STR(read_page("<table><tr><form method=\"post\" action=\"" UE "\"><td><input "
                        "type=\"hidden\" name=\"GlosaError\" value=\"309\"></td></form></tr>"
                        "</table>"),
              "309");
    /* character references */
    CHECK_STR(read_page("<form action=\"https&#x3a;//sencectl.invalid/error\"><input "
                        "name=\"&#71;losaError\" value=\"307&#59;310\"></form>"),
              "307;310");
    /* comments and scripts that mention the fields are not fields */
    CHECK_STR(read_page("<!-- <form action=\"" UE "\"><input name=GlosaError value=211> -->"
                        "<script>var s='<form action=\"" UE "\">';</script>"
                        "<form action=\"/Registro/Login\"><input name=run></form>"),
              "login");
    /* the login page */
    CHECK_STR(read_page("<html><body><form method=\"post\" action=\"/rcetest/Registro/Login\">"
                        "<input name=\"run\"><input type=\"password\" name=\"clave\"></form>"),
              "login");
    /* pages that are not SENCE's login nor an error */
    CHECK_STR(read_page(""), "unreadable");
    CHECK_STR(read_page("Service Unavailable"), "unreadable");
    CHECK_STR(read_page("<html><body><p>GlosaError: 211</p></body></html>"), "unreadable");
    CHECK_STR(read_page("\x00\x01\x02"), "unreadable");
    /* an error form whose codes cannot be read */
    CHECK_STR(read_page("<form action=\"" UE "\"><input name=\"GlosaError\" value=\"\"></form>"),
              "unreadable");
    CHECK_STR(read_page("<form action=\"" UE "\"><input name=\"GlosaError\" value=\"abc\"></form>"),
              "unreadable");
    CHECK_STR(read_page("<form action=\"" UE "\"><input name=\"CodSence\" value=\"1\"></form>"),
              "unreadable");
    /* 208 alone is read as such (the caller decides it is OK) */
    CHECK_STR(read_page("<form action=\"" UE "\"><input name=\"GlosaError\" value=\"208\"></form>"),
              "208");
    /* deep nesting does not exhaust the stack */
    {
        apr_size_t n = 20000, i;
        char *deep = apr_palloc(pool, n * 5 + 100);
        char *w = deep;
        for (i = 0; i < n; i++) {
            memcpy(w, "<div>", 5);
            w += 5;
        }
        strcpy(w, "<form action=\"" UE "\"><input name=GlosaError value=211></form>");
        CHECK(strcmp(read_page(deep), "") != 0);
    }
    return check_done("ctl_html");
}
