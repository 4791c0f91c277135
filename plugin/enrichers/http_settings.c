/*
 * Reading the HTTP enricher's settings (see http_settings.h). The table below
 * is the one place a setting is declared; config/http-enricher.md documents
 * the same keys for users.
 */
#include "enrichers/http_settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "config/config.h"
#include "core/buf.h"
#include "newswire/error.h"

/* Where a checked value lands in nw_http_settings_t. */
/* T_SPECIAL: read by name in load_table(), it needs more than a copy;
 * T_FAMILY: header.<Name>, read by load_headers(). */
typedef enum target { T_STRING, T_INT, T_BOOL, T_SPECIAL, T_FAMILY } target_t;

#define DAY_MS (24 * 3600 * 1000LL)

/* The declarations the host checks the configuration against (the
 * descriptor's settings, see http.c), in the order they are read. */
const nw_enricher_setting_t nw_http_setting_decls[] = {
    {"url", NW_SETTING_STRING, NULL, NULL, 1, 0, 0, "service URL (http or https)"},
    {"method", NW_SETTING_ENUM, "POST", "POST|PUT|PATCH", 0, 0, 0, "HTTP method"},
    {"fields", NW_SETTING_LIST, NULL, NULL, 1, 0, 0, "record members to send"},
    {"merge.path", NW_SETTING_STRING, NULL, NULL, 1, 0, 0, "dotted path of the answer"},
    {"timeout.ms", NW_SETTING_DURATION, "2000", NULL, 1, 600000, 0, "per request"},
    {"retries", NW_SETTING_INT, "2", NULL, 0, 10, 0, "repeats of a failed request"},
    {"backoff.ms", NW_SETTING_DURATION, "100", NULL, 0, 60000, 0, "first backoff"},
    {"backoff.max.ms", NW_SETTING_DURATION, "2000", NULL, 0, 600000, 0, "backoff cap"},
    {"concurrency", NW_SETTING_INT, "8", NULL, 1, 256, 0, "requests in flight"},
    {"breaker.failures", NW_SETTING_INT, "5", NULL, 0, 1000000, 0, "failures to open"},
    {"breaker.reset.ms", NW_SETTING_DURATION, "10000", NULL, 1, DAY_MS, 0, "open time"},
    {"cache.ttl.ms", NW_SETTING_DURATION, "0", NULL, 0, 30 * DAY_MS, 0, "answer cache TTL"},
    {"cache.max.entries", NW_SETTING_INT, "10000", NULL, 1, 10000000, 0, "cache bound"},
    {"fail", NW_SETTING_ENUM, "open", "open|closed", 0, 0, 0, "on final failure"},
    {"tls.verify", NW_SETTING_BOOL, "true", NULL, 0, 0, 0, "verify the server"},
    {"ca.file", NW_SETTING_STRING, NULL, NULL, 1, 0, 0, "CA bundle"},
    {"auth.token.env", NW_SETTING_STRING, NULL, NULL, 1, 0, 0, "token variable"},
    {"auth.token.file", NW_SETTING_STRING, NULL, NULL, 1, 0, 0, "token file"},
    {"header.*", NW_SETTING_STRING, NULL, NULL, 0, 0, 0, "an extra request header <Name>"},
    {NULL, 0, NULL, NULL, 0, 0, 0, NULL},
};

#define S(field) offsetof(nw_http_settings_t, field)

/* Where each declaration's value lands, by index in nw_http_setting_decls. */
static const struct {
    target_t target;
    size_t offset;
} where[] = {
    {T_STRING, S(url)},
    {T_STRING, S(method)},
    {T_SPECIAL, 0},
    {T_SPECIAL, 0},
    {T_INT, S(timeout_ms)},
    {T_INT, S(retries)},
    {T_INT, S(backoff_ms)},
    {T_INT, S(backoff_max_ms)},
    {T_INT, S(concurrency)},
    {T_INT, S(breaker_failures)},
    {T_INT, S(breaker_reset_ms)},
    {T_INT, S(cache_ttl_ms)},
    {T_INT, S(cache_max_entries)},
    {T_SPECIAL, 0},
    {T_BOOL, S(tls_verify)},
    {T_STRING, S(ca_file)},
    {T_SPECIAL, 0},
    {T_SPECIAL, 0},
    {T_FAMILY, 0},
};
#define NSETTINGS (sizeof(where) / sizeof(where[0]))
_Static_assert(sizeof(nw_http_setting_decls) / sizeof(nw_http_setting_decls[0]) == NSETTINGS + 1,
               "one where[] entry per declaration");

/* The configuration module's view of a declaration, for its checker. */
static nw_config_key_t as_config_key(const nw_enricher_setting_t *d)
{
    static const nw_config_type_t types[] = {
        [NW_SETTING_STRING] = NW_CONFIG_STRING,     [NW_SETTING_INT] = NW_CONFIG_INT,
        [NW_SETTING_BOOL] = NW_CONFIG_BOOL,         [NW_SETTING_ENUM] = NW_CONFIG_ENUM,
        [NW_SETTING_DURATION] = NW_CONFIG_DURATION, [NW_SETTING_SIZE] = NW_CONFIG_SIZE,
        [NW_SETTING_LIST] = NW_CONFIG_LIST,
    };
    return (nw_config_key_t){d->key, types[d->type], d->def,         d->values,
                             d->min, d->max,         d->secret != 0, d->help};
}

/* A token or header longer than this is a mistake (a wrong file). */
#define TOKEN_MAX 16384

static int fail(char *errbuf, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *errbuf, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (errbuf && errlen)
        vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
    return code;
}

/* Splits s on sep into trimmed, non-empty copies. Returns the count, or -1
 * for an empty item or no memory (distinguished by *oom). */
static long split(const char *s, char sep, char ***out, bool *oom)
{
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == sep;
    char **items = calloc(n + 1, sizeof(*items));
    if (!items) {
        *oom = true;
        return -1;
    }
    size_t k = 0;
    for (const char *p = s;; p++) {
        const char *end = strchr(p, sep);
        if (!end)
            end = p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (a == b)
            goto bad;
        items[k] = strndup(a, (size_t)(b - a));
        if (!items[k]) {
            *oom = true;
            goto bad;
        }
        k++;
        if (!*end)
            break;
        p = end;
    }
    *out = items;
    return (long)k;
bad:
    for (size_t i = 0; i < k; i++)
        free(items[i]);
    free(items);
    return -1;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
}

/* No control characters: a CR or LF in a header would let a value inject
 * headers of its own. */
static bool header_safe(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\t')
            return false;
    return true;
}

/* An HTTP field name (RFC 9110 token). */
static bool is_token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s))
            return false;
    return true;
}

/* Reads the bearer token. Messages name the variable or file, never what
 * they hold. */
static int load_token(nw_http_settings_t *s, const char *env, const char *file, char *errbuf,
                      size_t errlen)
{
    if (env && file)
        return fail(errbuf, errlen, NW_ERR_INVALID,
                    "%s: auth.token.env and auth.token.file are both set; keep one", s->display);
    if (env) {
        const char *v = getenv(env);
        if (!v || !*v)
            return fail(errbuf, errlen, NW_ERR_INVALID,
                        "%s: auth.token.env: environment variable %s is not set", s->display, env);
        s->token = strdup(v);
    } else if (file) {
        FILE *fp = fopen(file, "rb");
        if (!fp)
            return fail(errbuf, errlen, NW_ERR_INVALID, "%s: auth.token.file: %s: %s", s->display,
                        file, strerror(errno));
        char *buf = malloc(TOKEN_MAX + 1);
        size_t n = buf ? fread(buf, 1, TOKEN_MAX + 1, fp) : 0;
        fclose(fp);
        if (!buf)
            return NW_ERR_NOMEM;
        if (n > TOKEN_MAX) {
            explicit_bzero(buf, TOKEN_MAX + 1);
            free(buf);
            return fail(errbuf, errlen, NW_ERR_INVALID, "%s: auth.token.file: %s: too large",
                        s->display, file);
        }
        /* Editors and `echo` add a final newline; it is not part of the token. */
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            n--;
        buf[n] = '\0';
        s->token = buf;
    } else {
        return 0;
    }
    if (!s->token)
        return NW_ERR_NOMEM;
    const char *which = env ? "auth.token.env" : "auth.token.file";
    if (!*s->token)
        return fail(errbuf, errlen, NW_ERR_INVALID, "%s: %s: the token is empty", s->display,
                    which);
    if (!header_safe(s->token) || strlen(s->token) > TOKEN_MAX)
        return fail(errbuf, errlen, NW_ERR_INVALID,
                    "%s: %s: the token holds control characters or line breaks", s->display, which);
    return 0;
}

typedef struct headers_ctx {
    nw_http_settings_t *s;
    char *errbuf;
    size_t errlen;
} headers_ctx_t;

/* One header.<Name> setting: checked, then kept as a "Name: value" line. */
static int header_cb(const char *key, const char *value, void *opaque)
{
    headers_ctx_t *c = opaque;
    nw_http_settings_t *s = c->s;
    const char *hname = key + 7;
    if (!is_token(hname))
        return fail(c->errbuf, c->errlen, NW_ERR_INVALID, "%s: %s: not a valid header name",
                    s->display, key);
    if (!header_safe(value))
        return fail(c->errbuf, c->errlen, NW_ERR_INVALID,
                    "%s: %s: the value holds control characters or line breaks", s->display, key);
    if (s->token && strcasecmp(hname, "Authorization") == 0)
        return fail(c->errbuf, c->errlen, NW_ERR_INVALID,
                    "%s: %s: conflicts with auth.token.*; keep one", s->display, key);
    char **v = realloc(s->headers, (s->nheaders + 2) * sizeof(*v));
    if (!v)
        return NW_ERR_NOMEM;
    s->headers = v;
    nw_buf_t b = NW_BUF_INIT;
    nw_buf_printf(&b, "%s: %s", hname, value);
    if (!nw_buf_ok(&b)) {
        nw_buf_free(&b);
        return NW_ERR_NOMEM;
    }
    s->headers[s->nheaders++] = nw_buf_steal(&b);
    s->headers[s->nheaders] = NULL;
    return 0;
}

/* The header.<Name> settings, through the host's config_each(). */
static int load_headers(nw_http_settings_t *s, const nw_enricher_api_t *api, void *host,
                        char *errbuf, size_t errlen)
{
    headers_ctx_t c = {s, errbuf, errlen};
    return api->config_each(host, "header.", header_cb, &c);
}

/* Checks the URL and keeps a form of it that is safe to log. */
static int load_url(nw_http_settings_t *s, char *errbuf, size_t errlen)
{
    int rc = NW_ERR_INVALID;
    CURLU *u = curl_url();
    char *scheme = NULL, *hostname = NULL, *port = NULL, *path = NULL;
    if (!u)
        return NW_ERR_NOMEM;
    if (curl_url_set(u, CURLUPART_URL, s->url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &hostname, 0) != CURLUE_OK) {
        /* The URL itself is not echoed: it may carry a key in its query. */
        rc = fail(errbuf, errlen, NW_ERR_INVALID, "%s: url: not a valid URL", s->display);
        goto out;
    }
    if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0) {
        rc = fail(errbuf, errlen, NW_ERR_INVALID, "%s: url: scheme %s is not http or https",
                  s->display, scheme);
        goto out;
    }
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    curl_url_get(u, CURLUPART_PATH, &path, 0);
    nw_buf_t b = NW_BUF_INIT;
    nw_buf_printf(&b, "%s://%s", scheme, hostname);
    if (port)
        nw_buf_printf(&b, ":%s", port);
    nw_buf_puts(&b, path ? path : "/");
    s->url_shown = nw_buf_steal(&b);
    rc = s->url_shown ? 0 : NW_ERR_NOMEM;
out:
    curl_free(scheme);
    curl_free(hostname);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    return rc;
}

static int load_table(nw_http_settings_t *s, const nw_enricher_api_t *api, void *host,
                      const char **token_env, const char **token_file, char *errbuf, size_t errlen)
{
    char *fields = NULL, *merge = NULL;
    int rc = 0;
    for (size_t i = 0; i < NSETTINGS; i++) {
        if (where[i].target == T_FAMILY)
            continue;
        const nw_config_key_t key = as_config_key(&nw_http_setting_decls[i]);
        const char *v = api->config(host, key.name);
        if (!v)
            v = key.def;
        if (!v) {
            if (strcmp(key.name, "url") == 0)
                return fail(errbuf, errlen, NW_ERR_INVALID, "%s: url: is required (%s.url)",
                            s->display, s->display);
            continue;
        }
        nw_error_t err = {0};
        int64_t num = 0;
        if (nw_config_key_check(&key, v, &num, s->display, &err) != 0)
            return fail(errbuf, errlen, NW_ERR_INVALID, "%s", err.msg);
        if (strcmp(key.name, "auth.token.env") == 0) {
            *token_env = v;
        } else if (strcmp(key.name, "auth.token.file") == 0) {
            *token_file = v;
        } else if (strcmp(key.name, "fields") == 0) {
            fields = (char *)v;
        } else if (strcmp(key.name, "merge.path") == 0) {
            merge = (char *)v;
        } else if (strcmp(key.name, "fail") == 0) {
            s->fail_closed = strcmp(v, "closed") == 0;
        } else if (where[i].target == T_STRING) {
            char **dst = (char **)((char *)s + where[i].offset);
            if (!(*dst = strdup(v)))
                return NW_ERR_NOMEM;
        } else if (where[i].target == T_INT) {
            *(int64_t *)((char *)s + where[i].offset) = num;
        } else {
            *(bool *)((char *)s + where[i].offset) = num != 0;
        }
    }
    bool oom = false;
    long n;
    if (fields) {
        if ((n = split(fields, ',', &s->fields, &oom)) < 0)
            return oom ? NW_ERR_NOMEM
                       : fail(errbuf, errlen, NW_ERR_INVALID, "%s: fields: has an empty item",
                              s->display);
        s->nfields = (size_t)n;
    }
    nw_buf_t def = NW_BUF_INIT;
    if (!merge) {
        nw_buf_printf(&def, "newswire.enrichments.%s", s->name);
        if (!nw_buf_ok(&def))
            return NW_ERR_NOMEM;
        merge = def.data;
    }
    if ((n = split(merge, '.', &s->merge_path, &oom)) < 0)
        rc = oom ? NW_ERR_NOMEM
                 : fail(errbuf, errlen, NW_ERR_INVALID, "%s: merge.path: has an empty segment",
                        s->display);
    else
        s->nmerge = (size_t)n;
    nw_buf_free(&def);
    return rc;
}

int nw_http_settings_load(nw_http_settings_t *s, const nw_enricher_api_t *api, void *host,
                          char *errbuf, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    /* instance() and config_each() came with ABI 1.1: checked once, here. */
    if (api->size < offsetof(nw_enricher_api_t, config_each) + sizeof(api->config_each) ||
        !api->instance || !api->config_each)
        return fail(errbuf, errlen, NW_ERR_INVALID,
                    "http: the host is older than enricher ABI 1.1 (no instance(), config_each())");
    /* The instance is "http.<name>"; <name> names the default merge path. */
    const char *name = api->instance(host);
    if (name && strncmp(name, "http.", 5) == 0)
        name += 5;
    const char *token_env = NULL, *token_file = NULL;
    int rc = NW_ERR_NOMEM;
    nw_buf_t b = NW_BUF_INIT;
    s->name = strdup(name && *name ? name : "http");
    nw_buf_printf(&b, "http.%s", s->name ? s->name : "");
    s->display = nw_buf_steal(&b);
    if (!s->name || !s->display)
        goto fail;
    if ((rc = load_table(s, api, host, &token_env, &token_file, errbuf, errlen)) != 0)
        goto fail;
    if (s->backoff_max_ms < s->backoff_ms) {
        rc = fail(errbuf, errlen, NW_ERR_INVALID, "%s: backoff.max.ms is below backoff.ms",
                  s->display);
        goto fail;
    }
    if ((rc = load_url(s, errbuf, errlen)) != 0)
        goto fail;
    if (s->ca_file) {
        FILE *fp = fopen(s->ca_file, "rb");
        if (!fp) {
            rc = fail(errbuf, errlen, NW_ERR_INVALID, "%s: ca.file: %s: %s", s->display, s->ca_file,
                      strerror(errno));
            goto fail;
        }
        fclose(fp);
    }
    if ((rc = load_token(s, token_env, token_file, errbuf, errlen)) != 0)
        goto fail;
    if ((rc = load_headers(s, api, host, errbuf, errlen)) != 0)
        goto fail;
    if (!s->tls_verify)
        api->log(NW_ENRICHER_LOG_WARN, s->display,
                 "tls.verify=false: the certificate of %s is not checked; anyone on the path "
                 "can read and alter what is sent",
                 s->url_shown);
    return 0;
fail:
    if (rc == NW_ERR_NOMEM)
        fail(errbuf, errlen, rc, "%s: out of memory", s->display ? s->display : "http");
    nw_http_settings_clear(s);
    return rc;
}

void nw_http_settings_clear(nw_http_settings_t *s)
{
    if (!s)
        return;
    if (s->token) {
        explicit_bzero(s->token, strlen(s->token));
        free(s->token);
    }
    free(s->name);
    free(s->display);
    free(s->url);
    free(s->url_shown);
    free(s->method);
    free_list(s->fields, s->nfields);
    free_list(s->merge_path, s->nmerge);
    free(s->ca_file);
    free_list(s->headers, s->nheaders);
    memset(s, 0, sizeof(*s));
}

int64_t nw_http_settings_deadline_ms(const nw_http_settings_t *s)
{
    return s->timeout_ms * (s->retries + 1) + s->backoff_max_ms;
}
