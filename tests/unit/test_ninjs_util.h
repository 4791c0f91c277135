/*
 * Fixtures shared by the record writer's tests (tests/unit/test_ninjs_*.c):
 * what the pipeline does to a record's tree for a replay marker, and every
 * article of a directory of messages. Header-only: each test is its own
 * executable.
 */
#ifndef NW_TEST_NINJS_UTIL_H
#define NW_TEST_NINJS_UTIL_H

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "encode/ninjs.h"
#include "newswire/article.h"

/* What the pipeline does to the tree for a replay marker: "replay" right
 * after "source". */
static inline void tree_add_replay(json_t *ext, const char *state)
{
    json_t *copy = json_object(), *v;
    const char *k;
    json_object_foreach(ext, k, v)
    {
        json_object_set(copy, k, v);
        if (strcmp(k, "source") == 0)
            json_object_set_new(copy, "replay", json_pack("{s:s}", "state", state));
    }
    json_object_clear(ext);
    json_object_update(ext, copy);
    json_decref(copy);
}

static inline char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 22);
    *len = buf ? fread(buf, 1, (1 << 22) - 1, f) : 0;
    fclose(f);
    return buf;
}

/* Calls fn(opaque, article, file name) for every message of dir that
 * parses and adds up what it returns in *sum. Returns how many parsed. */
static inline int each_article(const char *dir,
                               int (*fn)(void *, const nw_article_t *, const char *), void *opaque,
                               int *sum)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.' || strstr(e->d_name, ".expected"))
            continue;
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        size_t n = 0;
        char *raw = read_all(path, &n);
        nw_article_t a;
        nw_error_t err = {0};
        if (raw && nw_article_parse(raw, n, NULL, &a, &err) == 0) {
            *sum += fn(opaque, &a, e->d_name);
            nw_article_clear(&a);
            files++;
        }
        free(raw);
    }
    closedir(d);
    return files;
}

#endif
