/* sencectl: SENCE's answer to a start request, read with libxml2's HTML parser. SENCE answers
 * a request with bad parameters by a page whose form (usually submitted by a script) posts
 * GlosaError to UrlError; any other page with a form is its login. The parser recovers from
 * broken markup and folds the case of names; what it builds is walked without recursion. */
#include "ctl.h"
#include "rce.h"

#include <apr_strings.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <string.h>

/* The node after n in document order, inside root, or NULL. */
static xmlNodePtr next_node(xmlNodePtr n, xmlNodePtr root)
{
    if (n->children)
        return n->children;
    while (n && n != root && !n->next)
        n = n->parent;
    return n && n != root ? n->next : NULL;
}

/* The node after n's subtree, inside root, or NULL. */
static xmlNodePtr after_subtree(xmlNodePtr n, xmlNodePtr root)
{
    while (n && n != root && !n->next)
        n = n->parent;
    return n && n != root ? n->next : NULL;
}

static int is_element(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name &&
           xmlStrcasecmp(n->name, (const xmlChar *)name) == 0;
}

/* An attribute's value, surrounding blanks removed; NULL when absent. Names fold case. */
static const char *attr(apr_pool_t *p, xmlNodePtr n, const char *name)
{
    xmlAttrPtr a;

    for (a = n->properties; a; a = a->next) {
        xmlChar *v;
        char *s, *e;
        if (!a->name || xmlStrcasecmp(a->name, (const xmlChar *)name) != 0)
            continue;
        v = xmlNodeListGetString(n->doc, a->children, 1);
        s = apr_pstrdup(p, v ? (const char *)v : "");
        xmlFree(v);
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        for (e = s + strlen(s);
             e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'); e--)
            ;
        *e = '\0';
        return s;
    }
    return NULL;
}

static void add_codes(apr_array_header_t *all, const apr_array_header_t *codes)
{
    int i, j;

    for (i = 0; i < codes->nelts; i++) {
        int c = APR_ARRAY_IDX(codes, i, int), seen = 0;
        for (j = 0; j < all->nelts && !seen; j++)
            seen = APR_ARRAY_IDX(all, j, int) == c;
        if (!seen)
            APR_ARRAY_PUSH(all, int) = c;
    }
}

/* Reads the GlosaError fields from `from` up to `stop` (or the next form when at_form). Returns
 * the number found, -1 with *why when one is not a list of codes. */
static int scan_fields(apr_pool_t *p, xmlNodePtr from, xmlNodePtr stop, int at_form,
                       xmlNodePtr root, apr_array_header_t *all, const char **why)
{
    xmlNodePtr n;
    int found = 0;

    for (n = from; n && n != stop; n = next_node(n, root)) {
        const char *name, *value;
        apr_array_header_t *codes;
        if (at_form && is_element(n, "form"))
            break;
        if (!is_element(n, "input") || !(name = attr(p, n, "name")) ||
            strcasecmp(name, "GlosaError") != 0)
            continue;
        found++;
        value = attr(p, n, "value");
        if (!value || !*value) {
            *why = "GlosaError is empty";
            return -1;
        }
        if ((*why = sence_rce_parse_glosa(p, value, &codes)) != NULL) {
            *why = apr_psprintf(p, "GlosaError '%s' %s", value, *why);
            return -1;
        }
        add_codes(all, codes);
    }
    return found;
}

/* GlosaError fields of the form at f: inside it, or, when the parser closed it before its
 * fields (a form across table cells, say), the ones after it up to the next form. */
static int form_codes(apr_pool_t *p, xmlNodePtr f, xmlNodePtr root, apr_array_header_t *all,
                      const char **why)
{
    xmlNodePtr end = after_subtree(f, root);
    int found = f->children ? scan_fields(p, f->children, end, 0, root, all, why) : 0;

    if (found == 0 && end)
        found = scan_fields(p, end, NULL, 1, root, all, why);
    return found;
}

ctl_answer_t ctl_html_read(apr_pool_t *p, const char *body, apr_size_t len, const char *url_error,
                           apr_array_header_t **codes, const char **why)
{
    htmlDocPtr doc;
    xmlNodePtr root, n;
    apr_array_header_t *all = apr_array_make(p, 4, sizeof(int));
    int forms = 0, error_forms = 0, fields = 0;
    ctl_answer_t res;

    *codes = NULL;
    *why = NULL;
    if (!body || !len) {
        *why = "empty answer";
        return CTL_ANSWER_UNREADABLE;
    }
    if (len > CTL_MAX_BODY) {
        *why = "answer too large";
        return CTL_ANSWER_UNREADABLE;
    }
    doc = htmlReadMemory(body, (int)len, NULL, NULL,
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NONET);
    if (!doc || !(root = xmlDocGetRootElement(doc))) {
        if (doc)
            xmlFreeDoc(doc);
        *why = "not an HTML page";
        return CTL_ANSWER_UNREADABLE;
    }
    for (n = root; n; n = next_node(n, root)) {
        const char *action;
        int k;
        if (!is_element(n, "form"))
            continue;
        forms++;
        action = attr(p, n, "action");
        if (!action || strcasecmp(action, url_error) != 0)
            continue;
        error_forms++;
        k = form_codes(p, n, root, all, why);
        if (k < 0) {
            xmlFreeDoc(doc);
            return CTL_ANSWER_UNREADABLE;
        }
        fields += k;
    }
    xmlFreeDoc(doc);
    if (error_forms && !fields) {
        *why = "a form to UrlError without GlosaError";
        res = CTL_ANSWER_UNREADABLE;
    } else if (error_forms) {
        *codes = all;
        res = CTL_ANSWER_ERROR;
    } else if (!forms) {
        *why = "a page without a form: neither SENCE's login nor an error";
        res = CTL_ANSWER_UNREADABLE;
    } else {
        res = CTL_ANSWER_LOGIN;
    }
    return res;
}
