/*
 * Storage and loading of newswire's configuration (see config.h).
 *
 * Set values live in one array sorted by key: configurations hold a few dozen
 * entries, so a binary search beats any fancier structure on both size and
 * clarity, and the sorted order is what foreach and print promise anyway.
 * Each entry keeps its origin so that librdkafka's complaints, which only
 * arrive when the client is configured (kafka/kconf.c), still point at the
 * line to fix.
 */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hash.h"
#include "core/utf8.h"

extern char **environ;

typedef struct entry {
    char *key;
    char *value;
    char *origin;
} entry_t;

struct nw_config {
    entry_t *items; /* sorted by key */
    size_t len, cap;
};

nw_config_t *nw_config_new(void)
{
    return calloc(1, sizeof(nw_config_t));
}

void nw_config_free(nw_config_t *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->len; i++) {
        free(cfg->items[i].key);
        free(cfg->items[i].value);
        free(cfg->items[i].origin);
    }
    free(cfg->items);
    free(cfg);
}

/* Index of key, or of where it would be inserted (*found false). */
static size_t lookup(const nw_config_t *cfg, const char *key, bool *found)
{
    size_t lo = 0, hi = cfg->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(cfg->items[mid].key, key);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

/* Copies key into out in its stored spelling: zone abbreviations are
 * upper-case whatever the file or environment used. False when too long. */
static bool canonical_key(const char *key, char out[NW_CONFIG_KEY_MAX + 1])
{
    size_t n = strlen(key);
    if (n > NW_CONFIG_KEY_MAX)
        return false;
    memcpy(out, key, n + 1);
    const nw_config_family_t *f = nw_config_key_find(out) ? NULL : nw_config_family_find(out);
    if (f && f->fold_last)
        for (char *p = strrchr(out, '.') + 1; *p; p++)
            *p = (char)toupper((unsigned char)*p);
    return true;
}

static int unknown_key(const char *key, const char *origin, nw_error_t *err)
{
    char hint[NW_CONFIG_KEY_MAX + 16];
    /* The commonest slip: a librdkafka property without its prefix. */
    const nw_config_kafka_probe_t *probe = nw_config_kafka_probe();
    bool is_rdkafka = probe && probe->is_property(key);
    bool env = strncmp(origin, "env ", 4) == 0;
    if (is_rdkafka)
        snprintf(hint, sizeof(hint), "kafka.%s", key);
    else if (!nw_config_suggest(key, hint, sizeof(hint)))
        return nw_error_set(err, NW_ERR_INVALID,
                            "%s: unknown configuration key \"%s\" (--help lists the keys)", origin,
                            key);
    if (env) {
        /* Answer in the variable's own spelling. */
        char var[NW_CONFIG_KEY_MAX + 16] = NW_CONFIG_ENV_PREFIX;
        size_t j = strlen(var);
        for (const char *p = hint; *p && j + 1 < sizeof(var); p++)
            var[j++] = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
        var[j] = '\0';
        memcpy(hint, var, j + 1);
    }
    return nw_error_set(
        err, NW_ERR_INVALID, "%s: unknown configuration key \"%s\" (did you mean \"%s\"?%s)",
        origin, key, hint, is_rdkafka ? " librdkafka properties take the kafka. prefix" : "");
}

int nw_config_set(nw_config_t *cfg, const char *key, const char *value, const char *origin,
                  nw_error_t *err)
{
    char name[NW_CONFIG_KEY_MAX + 1];
    if (!origin)
        origin = "-X";
    if (!cfg || !key || !value)
        return nw_error_set(err, NW_ERR_INVALID, "%s: missing configuration key or value", origin);
    if (*key == '\0')
        return nw_error_set(err, NW_ERR_INVALID, "%s: empty configuration key", origin);
    if (!canonical_key(key, name))
        return nw_error_set(err, NW_ERR_INVALID, "%s: configuration key longer than %d bytes",
                            origin, NW_CONFIG_KEY_MAX);
    const nw_config_key_t *k = nw_config_key_find(name);
    if (k) {
        int rc = nw_config_key_check(k, value, NULL, origin, err);
        if (rc < 0)
            return rc;
    } else {
        const nw_config_family_t *f = nw_config_family_find(name);
        if (!f)
            return unknown_key(key, origin, err);
        if (f->value_required && *value == '\0')
            return nw_error_set(err, NW_ERR_INVALID, "%s: %s: must not be empty", origin, name);
    }

    char *v = strdup(value), *o = strdup(origin), *kc = NULL;
    bool found;
    size_t i = lookup(cfg, name, &found);
    if (!found && cfg->len == cfg->cap) {
        size_t cap = cfg->cap ? cfg->cap * 2 : 16;
        entry_t *items = realloc(cfg->items, cap * sizeof(*items));
        if (items) {
            cfg->items = items;
            cfg->cap = cap;
        }
    }
    if (!found)
        kc = strdup(name);
    if (!v || !o || (!found && (!kc || cfg->len == cfg->cap))) {
        free(v);
        free(o);
        free(kc);
        return nw_error_set(err, NW_ERR_NOMEM, "%s: %s: out of memory", origin, name);
    }
    if (found) {
        free(cfg->items[i].value);
        free(cfg->items[i].origin);
    } else {
        memmove(&cfg->items[i + 1], &cfg->items[i], (cfg->len - i) * sizeof(entry_t));
        cfg->items[i].key = kc;
        cfg->len++;
    }
    cfg->items[i].value = v;
    cfg->items[i].origin = o;
    return 0;
}

/* ---- properties files ---- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = nw_hex_digit((unsigned char)s[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Decodes s[0..n) into out. With trim, unescaped trailing blanks are dropped
 * ("a\ " keeps its space). Returns NULL or a reason. */
static const char *unescape(const char *s, size_t n, bool trim, nw_buf_t *out)
{
    size_t keep = 0;
    nw_buf_reset(out);
    nw_buf_append(out, "", 0);
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            nw_buf_putc(out, s[i]);
            if (!is_blank(s[i]))
                keep = out->len;
            continue;
        }
        if (++i == n)
            break; /* a lone backslash at the end of the file */
        static const char from[] = "tnrf", to[] = "\t\n\r\f";
        const char *ctl = s[i] ? strchr(from, s[i]) : NULL;
        if (ctl) {
            nw_buf_putc(out, to[ctl - from]);
        } else if (s[i] == 'u') {
            int cp = i + 4 < n ? hex4(s + i + 1) : -1;
            if (cp < 0)
                return "malformed \\uXXXX escape";
            i += 4;
            if (cp == 0)
                return "\\u0000 is not allowed";
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return "unpaired surrogate in \\uXXXX escape";
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                int lo = i + 6 < n && s[i + 1] == '\\' && s[i + 2] == 'u' ? hex4(s + i + 3) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return "unpaired surrogate in \\uXXXX escape";
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
            nw_utf8_encode(out, (uint32_t)cp);
        } else { /* \\ \= \: \# \! \<space>; Java drops any other backslash */
            nw_buf_putc(out, s[i]);
        }
        keep = out->len;
    }
    if (trim && out->data) {
        out->len = keep;
        out->data[keep] = '\0';
    }
    return NULL;
}

/* One logical line, leading blanks already gone: key, separator, value. */
static int parse_entry(nw_config_t *cfg, const char *line, size_t n, const char *origin,
                       nw_error_t *err)
{
    size_t k = 0;
    while (k < n && line[k] != '=' && line[k] != ':' && !is_blank(line[k]))
        k += line[k] == '\\' && k + 1 < n ? 2 : 1;
    size_t v = k;
    while (v < n && is_blank(line[v]))
        v++;
    if (v < n && (line[v] == '=' || line[v] == ':'))
        v++;
    while (v < n && is_blank(line[v]))
        v++;

    nw_buf_t key = NW_BUF_INIT, value = NW_BUF_INIT;
    const char *why = unescape(line, k, false, &key);
    if (!why)
        why = unescape(line + v, n - v, true, &value);
    int rc;
    if (!nw_buf_ok(&key) || !nw_buf_ok(&value))
        rc = nw_error_set(err, NW_ERR_NOMEM, "%s: out of memory", origin);
    else if (why)
        rc = nw_error_set(err, NW_ERR_INVALID, "%s: %s", origin, why);
    else if (key.len == 0)
        rc = nw_error_set(err, NW_ERR_INVALID, "%s: missing key before the value", origin);
    else if (strlen(nw_buf_str(&key)) != key.len || strlen(nw_buf_str(&value)) != value.len)
        rc = nw_error_set(err, NW_ERR_INVALID, "%s: NUL byte in entry", origin);
    else
        rc = nw_config_set(cfg, nw_buf_str(&key), nw_buf_str(&value), origin, err);
    nw_buf_free(&key);
    nw_buf_free(&value);
    return rc;
}

static int parse_properties(nw_config_t *cfg, const char *path, const char *text, size_t len,
                            nw_error_t *err)
{
    nw_buf_t logical = NW_BUF_INIT, origin = NW_BUF_INIT;
    bool continued = false;
    size_t lineno = 0, start = 0;
    int rc = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    for (size_t pos = 0; pos < len && rc == 0;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len, n;
        const char *s = text + pos;
        n = end - pos;
        pos = nl ? end + 1 : len;
        lineno++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        while (n > 0 && is_blank(*s)) {
            s++;
            n--;
        }
        if (!continued) {
            if (n == 0 || *s == '#' || *s == '!')
                continue;
            start = lineno;
            nw_buf_reset(&logical);
        }
        /* An odd run of trailing backslashes continues the line. */
        size_t bs = 0;
        while (bs < n && s[n - 1 - bs] == '\\')
            bs++;
        continued = bs % 2 == 1;
        nw_buf_append(&logical, s, continued ? n - 1 : n);
        if (continued && pos < len)
            continue;
        nw_buf_reset(&origin);
        nw_buf_printf(&origin, "%s:%zu", path, start);
        if (!nw_buf_ok(&logical) || !nw_buf_ok(&origin))
            rc = nw_error_set(err, NW_ERR_NOMEM, "%s: out of memory", path);
        else
            rc = parse_entry(cfg, nw_buf_str(&logical), logical.len, nw_buf_str(&origin), err);
        continued = false;
    }
    nw_buf_free(&logical);
    nw_buf_free(&origin);
    return rc;
}

int nw_config_load_file(nw_config_t *cfg, const char *path, nw_error_t *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return nw_error_set(err, NW_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    nw_buf_t text = NW_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
        nw_buf_append(&text, chunk, n);
    int rc = 0;
    if (ferror(fp))
        rc = nw_error_set(err, NW_ERR_IO, "%s: read error: %s", path, strerror(errno));
    else if (!nw_buf_ok(&text))
        rc = nw_error_set(err, NW_ERR_NOMEM, "%s: out of memory", path);
    else
        rc = parse_properties(cfg, path, nw_buf_str(&text), text.len, err);
    fclose(fp);
    nw_buf_free(&text);
    return rc;
}

/* ---- environment ---- */

int nw_config_load_env(nw_config_t *cfg, char *const *envp, nw_error_t *err)
{
    const size_t plen = strlen(NW_CONFIG_ENV_PREFIX);
    if (!envp)
        envp = environ;
    for (; *envp; envp++) {
        const char *var = *envp, *eq = strchr(var, '=');
        if (!eq || strncmp(var, NW_CONFIG_ENV_PREFIX, plen) != 0)
            continue;
        size_t vlen = (size_t)(eq - var);
        bool ignored = false;
        for (const char *const *ig = nw_config_env_ignored; *ig && !ignored; ig++)
            ignored = strlen(*ig) == vlen && strncmp(*ig, var, vlen) == 0;
        if (ignored)
            continue;
        char origin[NW_CONFIG_KEY_MAX + 32], key[NW_CONFIG_KEY_MAX + 1];
        snprintf(origin, sizeof(origin), "env %.*s", (int)vlen, var);
        if (vlen - plen > NW_CONFIG_KEY_MAX)
            return nw_error_set(err, NW_ERR_INVALID, "%s: variable name too long", origin);
        size_t j = 0;
        for (const char *p = var + plen; p < eq; p++)
            key[j++] = *p == '_' ? '.' : (char)tolower((unsigned char)*p);
        key[j] = '\0';
        int rc = nw_config_set(cfg, key, eq + 1, origin, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- reading ---- */

static const entry_t *find_entry(const nw_config_t *cfg, const char *key)
{
    char name[NW_CONFIG_KEY_MAX + 1];
    bool found = false;
    if (!cfg || !key || !canonical_key(key, name))
        return NULL;
    size_t i = lookup(cfg, name, &found);
    return found ? &cfg->items[i] : NULL;
}

const char *nw_config_get(const nw_config_t *cfg, const char *key)
{
    const entry_t *e = find_entry(cfg, key);
    if (e)
        return e->value;
    const nw_config_key_t *k = key ? nw_config_key_find(key) : NULL;
    return k ? k->def : NULL;
}

const char *nw_config_origin(const nw_config_t *cfg, const char *key)
{
    const entry_t *e = find_entry(cfg, key);
    return e ? e->origin : NULL;
}

static int64_t typed(const nw_config_t *cfg, const char *key, nw_config_type_t a,
                     nw_config_type_t b, nw_config_type_t c)
{
    const nw_config_key_t *k = key ? nw_config_key_find(key) : NULL;
    int64_t v = 0;
    if (!k || (k->type != a && k->type != b && k->type != c))
        return 0;
    /* Set values were checked when set, defaults by the unit tests. */
    if (nw_config_key_check(k, nw_config_get(cfg, key), &v, "", NULL) < 0)
        return 0;
    return v;
}

int64_t nw_config_get_int(const nw_config_t *cfg, const char *key)
{
    return typed(cfg, key, NW_CONFIG_INT, NW_CONFIG_SIZE, NW_CONFIG_DURATION);
}

bool nw_config_get_bool(const nw_config_t *cfg, const char *key)
{
    return typed(cfg, key, NW_CONFIG_BOOL, NW_CONFIG_BOOL, NW_CONFIG_BOOL) != 0;
}

void nw_config_list_free(char **list)
{
    if (!list)
        return;
    for (char **p = list; *p; p++)
        free(*p);
    free(list);
}

size_t nw_config_get_list(const nw_config_t *cfg, const char *key, char ***out)
{
    const char *s = nw_config_get(cfg, key);
    *out = NULL;
    if (!s)
        return 0;
    size_t cap = 1, n = 0;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    char **list = calloc(cap + 1, sizeof(char *));
    if (!list)
        return 0;
    for (const char *p = s;;) {
        size_t len = strcspn(p, ",");
        const char *a = p, *z = p + len;
        while (a < z && isspace((unsigned char)*a))
            a++;
        while (z > a && isspace((unsigned char)z[-1]))
            z--;
        if (z > a && !(list[n++] = strndup(a, (size_t)(z - a)))) {
            nw_config_list_free(list);
            return 0;
        }
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    *out = list;
    return n;
}

int nw_config_foreach(const nw_config_t *cfg, const char *prefix,
                      int (*cb)(const char *key, const char *value, void *opaque), void *opaque)
{
    size_t plen = prefix ? strlen(prefix) : 0;
    for (size_t i = 0; cfg && i < cfg->len; i++) {
        if (plen && strncmp(cfg->items[i].key, prefix, plen) != 0)
            continue;
        int rc = cb(cfg->items[i].key, cfg->items[i].value, opaque);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- printing ---- */

/* Writes s escaped so that nw_config_load_file() reads it back unchanged. */
static void put_escaped(FILE *fp, const char *s, bool is_key)
{
    size_t n = strlen(s), last = n;
    while (last > 0 && is_blank(s[last - 1]))
        last--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool edge = i == 0 || i >= last; /* blanks the loader would strip */
        if (c == '\\')
            fputs("\\\\", fp);
        else if (c == '\t')
            fputs(edge || is_key ? "\\t" : "\t", fp);
        else if (c == '\n')
            fputs("\\n", fp);
        else if (c == '\r')
            fputs("\\r", fp);
        else if (c == '\f')
            fputs("\\f", fp);
        else if (c < 0x20 || c == 0x7F)
            fprintf(fp, "\\u%04X", c);
        else if ((c == ' ' && (edge || is_key)) || (is_key && strchr("=:#!", c)))
            fprintf(fp, "\\%c", c);
        else
            fputc(c, fp);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int nw_config_print(const nw_config_t *cfg, FILE *fp, bool mask_secrets)
{
    size_t nkeys, n = 0;
    const nw_config_key_t *keys = nw_config_keys(&nkeys);
    size_t set = cfg ? cfg->len : 0;
    const char **names = malloc((nkeys + set + 1) * sizeof(char *));
    if (!names)
        return NW_ERR_NOMEM;
    for (size_t i = 0; i < nkeys; i++)
        names[n++] = keys[i].name;
    for (size_t i = 0; i < set; i++)
        if (!nw_config_key_find(cfg->items[i].key))
            names[n++] = cfg->items[i].key;
    qsort(names, n, sizeof(char *), cmp_str);
    for (size_t i = 0; i < n; i++) {
        const char *v = nw_config_get(cfg, names[i]);
        if (mask_secrets && *v && nw_config_is_secret(names[i]))
            v = NW_CONFIG_MASK;
        put_escaped(fp, names[i], true);
        fputc('=', fp);
        put_escaped(fp, v, false);
        fputc('\n', fp);
    }
    free(names);
    return ferror(fp) ? NW_ERR_IO : 0;
}
