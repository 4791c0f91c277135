/*
 * What the word list's two files share (toolkit.c makes the words,
 * words_share.c shares them within a run): an article's room, worked out
 * once, and the words made into room of the caller's.
 */
#ifndef NW_ENRICH_WORDS_INTERNAL_H
#define NW_ENRICH_WORDS_INTERNAL_H

#include <stddef.h>

#include "enrichers/builtins.h"

/* The lengths of an article's three texts, and the room its words take at
 * most: all three texts and the two breaks at once (grown text by text,
 * the arrays were copied several times per article). */
typedef struct nw_words_room {
    size_t lh, ls, lb;
    size_t text, words; /* bytes of text, entries of offsets */
} nw_words_room_t;

nw_words_room_t nw_words_room(const nw_enrich_input_t *in);

/* nw_words_article() with the room r of in worked out: w's text and arrays
 * hold it already (a borrowed list is never grown), or are grown to it. */
void nw_words_article_room(nw_words_t *w, const nw_enrich_input_t *in, const nw_words_room_t *r);

#endif
