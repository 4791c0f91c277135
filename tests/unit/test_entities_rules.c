/*
 * The entities enricher's rules for wire copy: teams in sports copy and
 * places in datelines and venues, words in capitals, the generated
 * gazetteers (former countries, AP style abbreviations, continents and
 * oceans), nouns that name a kind of organisation, and short list entries
 * that need context. The labelled set and the seed article are in
 * test_entities.c.
 */
#include "test_entities_fixture.h"

#include "enrichers/bytes.h"
#include "enrichers/entities_internal.h"
#include "core/cpu.h"

/* A town in capitals opening a dateline before its country is no acronym;
 * "Van" before the rest of a surname is no place; in a ranked results line
 * the words after the rider's country are the team, in any sport. */
static void test_datelines_particles_ranked_teams(void **state)
{
    fixture_t *f = *state;
    nw_enrich_status_t st;
    json_t *r =
        enrich_text(f, "Hosts reach the final", NULL,
                    "HERNING, Denmark, Jan 30 - Denmark will meet Germany in the final on "
                    "Sunday after beating Hungary.\nThe hosts pulled away after the break.\n",
                    NULL, &st);
    assert_int_equal(st, NW_ENRICH_OK);
    assert_null(find_named(json_object_get(r, "organisations"), "HERNING"));
    assert_non_null(find_named(json_object_get(r, "places"), "Denmark"));
    json_decref(r);

    r = enrich_text(f, "Sprint win", NULL,
                    "Dutch rider Joris van der Linden won the stage. \"We waited,\" Van der Linden "
                    "said, before flying to Van in eastern Turkey.\n",
                    NULL, &st);
    json_t *ext = json_object_get(json_object_get(r, "newswire"), "entities");
    json_t *van = find_named(json_object_get(ext, "places"), "Van");
    assert_non_null(van); /* "to Van in eastern Turkey" */
    assert_int_equal(json_integer_value(json_object_get(van, "mentions")), 1);
    json_decref(r);

    r = enrich_text(f, "CYCLING - STAGE FIVE", NULL,
                    "Stage 5 results:\n"
                    "1. Joris van der Linden (Netherlands) Visma-Lease a Bike 4:41:06\n"
                    "2. Matteo Calabrese (Italy) Lidl-Trek same time\n"
                    "3. Ziga Kranjc (Slovenia) UAE Team Emirates +0:12\n",
                    NULL, &st);
    json_t *orgs = json_object_get(r, "organisations");
    static const char *const teams[] = {"Visma-Lease a Bike", "Lidl-Trek", "UAE Team Emirates"};
    for (size_t i = 0; i < sizeof(teams) / sizeof(teams[0]); i++)
        assert_non_null(find_named(orgs, teams[i]));
    assert_null(find_named(json_object_get(r, "places"), "United Arab Emirates"));
    assert_null(find_named(json_object_get(r, "people"), "Lidl-Trek"));
    assert_non_null(find_named(json_object_get(r, "places"), "Slovenia"));
    json_decref(r);
}

/* A run ending in a common noun, with no given name or title, names a
 * thing, not a person, unless it speaks; a run ending in a sector's word
 * is a company. */
static void test_common_heads(void **state)
{
    fixture_t *f = *state;
    json_t *r = enrich_ok(f, "Rail order",
                          "The cars will run on the line of operator Speed Rail from 2028. The "
                          "group Norwegian Offshore Wind welcomed the decision, and analysts at "
                          "DNB Markets said the rail cars were cheap. China's Tianqi Lithium "
                          "owns a fifth of the venture. Later Xolvani Wind said she would bid.\n");
    json_t *people = json_object_get(r, "people");
    assert_null(find_named(people, "Speed Rail"));
    assert_null(find_named(people, "Offshore Wind"));
    assert_null(find_named(people, "Tianqi Lithium"));
    assert_non_null(find_named(people, "Xolvani Wind")); /* she speaks */
    json_t *orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "DNB Markets"));
    assert_non_null(find_named(orgs, "Tianqi Lithium"));
    json_decref(r);
}

/* A name ends at its last word for a kind of body; a role before "of" is
 * not part of it; a common word and a trade name a field, not a body. */
static void test_org_shapes(void **state)
{
    fixture_t *f = *state;
    json_t *r = enrich_ok(f, "Mining",
                          "Lawyers at the Natural Resources Defense Council met with the "
                          "engineers of the Internet Engineering Task Force on the rules.\n"
                          "The firms Harita Nickel and Megha Engineering will bid for the "
                          "contract, said Ravi Menon, who is the Leader of Burnley Council.\n"
                          "Our Head of Engineering posts about the work on Social Media.\n");
    json_t *orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "Natural Resources Defense Council"));
    assert_null(find_named(orgs, "Natural Resources"));
    assert_non_null(find_named(orgs, "Internet Engineering Task Force"));
    assert_non_null(find_named(orgs, "Harita Nickel"));
    assert_non_null(find_named(orgs, "Megha Engineering"));
    assert_non_null(find_named(orgs, "Burnley Council"));
    assert_null(find_named(orgs, "Leader of Burnley Council"));
    assert_null(find_named(orgs, "Head of Engineering"));
    assert_null(find_named(orgs, "Social Media"));
    json_decref(r);

    /* A common word before "and" goes on with the name; a name or a listed
     * body does not. */
    r = enrich_ok(f, "Fraud",
                  "The Economic and Financial Crimes Commission arrested four people in the "
                  "city on Monday.\n"
                  "The bill passed both the House and Senate before the recess began.\n"
                  "Shares of Samsung and LG Electronics fell in early trade on the day.\n");
    orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "Economic and Financial Crimes Commission"));
    assert_null(find_named(orgs, "Financial Crimes Commission"));
    assert_null(find_named(orgs, "House and Senate"));
    assert_null(find_named(orgs, "Samsung and LG Electronics"));
    json_decref(r);

    /* A plural noun for a kind of body names both of a pair; a singular
     * one's possessive does not. */
    r = enrich_ok(f, "Payments",
                  "Rival firms Moniepoint and OPay stand to gain customers, analysts said on "
                  "Monday.\n"
                  "The company's Roberts Hill and Mt Berghaus tenements lie to the east of the "
                  "town.\n");
    orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "Moniepoint"));
    assert_non_null(find_named(orgs, "OPay"));
    assert_null(find_named(orgs, "Mt Berghaus"));
    json_t *people = json_object_get(r, "people");
    assert_null(find_named(people, "Harita Nickel"));
    assert_null(find_named(people, "Megha Engineering"));
    json_decref(r);

    /* A continent after a company's name is its arm there; "Dal" ends a
     * party's name. */
    r = enrich_ok(f, "Steel",
                  "Thyssenkrupp Steel Europe will cut jobs, the company said on Thursday.\n"
                  "Lawmakers of the Janata Dal walked out of the house in protest.\n"
                  "The story was first reported by the Miami Herald on Sunday.\n"
                  "Fighters of the Kurdistan Democratic Party held the town, and the "
                  "Scottish Labour Party met in the hall.\n");
    orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "Thyssenkrupp Steel Europe"));
    assert_null(find_named(json_object_get(r, "places"), "Europe"));
    assert_non_null(find_named(orgs, "Janata Dal"));
    assert_null(find_named(json_object_get(r, "people"), "Janata Dal"));
    assert_non_null(find_named(orgs, "Miami Herald"));
    assert_null(find_named(json_object_get(r, "places"), "Miami"));
    assert_non_null(find_named(orgs, "Kurdistan Democratic Party"));
    assert_non_null(find_named(orgs, "Scottish Labour Party"));
    assert_null(find_named(orgs, "Democratic Party"));
    json_decref(r);
}

/* A short name in brackets after an organisation's is that organisation,
 * whatever its letters stand for; a listed one of the same last word keeps
 * the list's name. */
static void test_bracketed_short_names(void **state)
{
    fixture_t *f = *state;
    json_t *r = enrich_ok(f, "Ankara",
                          "The leader of the Republican People's Party (CHP) spoke to the "
                          "crowd, and the CHP said it would appeal.\n"
                          "Doctors of the American Academy of Pediatrics (AAP) wrote that the "
                          "guidance stands, the AAP said on its website.\n"
                          "Die Minister der Europäischen Union (EU) trafen sich in Brüssel.\n");
    json_t *orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "Republican People's Party"));
    assert_null(find_named(orgs, "CHP"));
    assert_non_null(find_named(orgs, "American Academy of Pediatrics"));
    assert_null(find_named(orgs, "Australian Associated Press"));
    assert_non_null(find_named(orgs, "European Union"));
    assert_null(find_named(orgs, "Europäischen Union"));
    json_decref(r);
}

/* In a results line a place and a listed team's one word are another
 * team, common words open a team's name, and a team found there is the
 * same team where the prose names it again. */
static void test_results_teams(void **state)
{
    fixture_t *f = *state;
    json_t *r = enrich_ok(f, "RUGBY UNION - SARACENS WIN",
                          "Northampton Saints thrashed Newcastle Red Bulls 52-10 on Saturday, "
                          "and the others drew.\n"
                          "Premiership results:\n"
                          "Northampton Saints 52 Newcastle Red Bulls 10\n"
                          "Sale Sharks 19 Leicester Tigers 19\n");
    json_t *orgs = json_object_get(r, "organisations");
    static const char *const teams[] = {"Northampton Saints", "Newcastle Red Bulls", "Sale Sharks",
                                        "Leicester Tigers"};
    for (size_t i = 0; i < sizeof(teams) / sizeof(teams[0]); i++)
        assert_non_null(find_named(orgs, teams[i]));
    assert_null(find_named(orgs, "Detroit Tigers"));
    assert_null(find_named(orgs, "Newcastle"));
    assert_null(find_named(json_object_get(r, "people"), "Red Bulls"));
    json_decref(r);

    /* A score ends a team's name; a six-letter syllable of the "-eong"
     * kind is part of a given name. */
    r = enrich_ok(f, "SOCCER - ULSAN WIN",
                  "Lee Dong-gyeong scored the winner for the leaders on Saturday, as he did "
                  "last week.\n"
                  "Results on Saturday:\n"
                  "Ulsan HD 2 Jeonbuk Hyundai Motors 1\n");
    orgs = json_object_get(r, "organisations");
    assert_null(find_named(orgs, "Ulsan HD 2 Jeonbuk Hyundai Motors"));
    assert_non_null(find_named(orgs, "Ulsan HD"));
    json_t *people = json_object_get(r, "people");
    assert_non_null(find_named(people, "Lee Dong-gyeong"));
    assert_null(find_named(people, "Lee Dong"));
    json_decref(r);
}

/* Does the enricher's own list of kind (under newswire.entities, which
 * keeps the forms) hold name with form among its forms? */
static bool has_form_named(json_t *record, const char *kind, const char *name, const char *form)
{
    json_t *list =
        json_object_get(json_object_get(json_object_get(record, "newswire"), "entities"), kind);
    json_t *forms = json_object_get(find_named(list, name), "forms"), *v;
    size_t i;
    json_array_foreach(forms, i, v)
    {
        if (strcmp(json_string_value(v), form) == 0)
            return true;
    }
    return false;
}

/* A place read as a team, where the text names one team that opens with
 * it, is that team; so after "for" or as a possessive; a dateline in
 * capitals after a table of results is a place. */
static void test_team_short_names(void **state)
{
    fixture_t *f = *state;
    json_t *r = enrich_ok(f, "ICE HOCKEY - RESULTS",
                          "Results on Wednesday (home team first):\n"
                          "Halifax Herons 4 Hamilton Hawks 2\n"
                          "Quebec Owls 3 Saskatoon Stags 1\n"
                          "TORONTO, Jan 14 - Jean Morin scored twice as Halifax beat Hamilton, "
                          "and Luc Caron had three assists for Quebec. In Saskatoon's loss the "
                          "goalie made 33 saves.\n");
    json_t *orgs = json_object_get(r, "organisations");
    static const char *const teams[][2] = {{"Halifax Herons", "Halifax"},
                                           {"Hamilton Hawks", "Hamilton"},
                                           {"Quebec Owls", "Quebec"},
                                           {"Saskatoon Stags", "Saskatoon"}};
    for (size_t i = 0; i < sizeof(teams) / sizeof(teams[0]); i++) {
        assert_non_null(find_named(orgs, teams[i][0]));
        assert_true(has_form_named(r, "organisations", teams[i][0], teams[i][1]));
        assert_null(find_named(orgs, teams[i][1]));
    }
    json_t *places = json_object_get(r, "places");
    assert_non_null(find_named(places, "Toronto"));
    assert_null(find_named(places, "Quebec"));
    assert_null(find_named(places, "Saskatoon"));
    json_decref(r);
}

/* In a results line the name before a country in brackets is a
 * competitor's, whatever its first word; a place after a given name and a
 * Portuguese particle is a surname. A match told in one sentence full of
 * numbers is prose, not a headline in Title Case. */
static void test_competitors(void **state)
{
    fixture_t *f = *state;
    json_t *r = enrich_ok(f, "ATHLETICS - RESULTS FROM OSLO",
                          "Leading results on Thursday:\n"
                          "1. Faith Kipyegon (Kenya) 3:53.41\n"
                          "2. Alison dos Santos (Brazil) 47.10\n");
    json_t *people = json_object_get(r, "people");
    assert_non_null(find_named(people, "Faith Kipyegon"));
    assert_non_null(find_named(people, "Alison dos Santos"));
    assert_null(find_named(json_object_get(r, "places"), "Santos"));
    json_decref(r);

    r = enrich_ok(f, "CRICKET - RESULTS",
                  "Results on Saturday:\n"
                  "At Narendra Modi Stadium, Ahmedabad: Gujarat Titans 184-4 in 19.2 overs "
                  "(Shubman Gill 81 not out, Sai Sudharsan 47) beat Rajasthan Royals 180-7 in 20 "
                  "overs (Yashasvi Jaiswal 59, Riyan Parag 33; Rashid Khan 2-28) by six "
                  "wickets.\n");
    people = json_object_get(r, "people");
    static const char *const players[] = {"Shubman Gill", "Sai Sudharsan", "Yashasvi Jaiswal",
                                          "Riyan Parag"};
    for (size_t i = 0; i < sizeof(players) / sizeof(players[0]); i++)
        assert_non_null(find_named(people, players[i]));
    json_decref(r);
}

/* A ministry's list of fields closed by "and" is one name, written with
 * its commas; a plural's possessive before the word for a body is part of
 * the name; "shares of" names a company that opens with a place; a name
 * no list knows that opens another is its short form; words that open
 * public bodies' names are no person's. */
static void test_body_names(void **state)
{
    fixture_t *f = *state;
    json_t *r = enrich_ok(
        f, "Chip plant",
        "The Ministry of Economy, Trade and Industry will pay, the Ministry of Health, Paris "
        "said nothing, and the Mexican Employers' Confederation welcomed it. Kawasaki Heavy "
        "Industries won an order.\n"
        "Shares of Tokyo Electron rose 3% and shares of Kawasaki Heavy rose 4% in Tokyo. "
        "Amazon Web Services' Simple Storage Service was down. Members of Kenya's "
        "Independent Electoral and Boundaries Commission were sworn in.\n");
    json_t *orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "Ministry of Economy, Trade and Industry"));
    assert_non_null(find_named(orgs, "Ministry of Health"));
    assert_non_null(find_named(orgs, "Mexican Employers' Confederation"));
    assert_non_null(find_named(orgs, "Tokyo Electron"));
    assert_non_null(find_named(orgs, "Kawasaki Heavy Industries"));
    assert_true(has_form_named(r, "organisations", "Kawasaki Heavy Industries", "Kawasaki Heavy"));
    assert_null(find_named(orgs, "Kawasaki Heavy"));
    assert_null(find_named(orgs, "Amazon Web Services' Simple Storage Service"));
    assert_non_null(find_named(orgs, "Independent Electoral and Boundaries Commission"));
    assert_null(find_named(json_object_get(r, "people"), "Independent Electoral"));
    assert_non_null(find_named(json_object_get(r, "places"), "Tokyo"));
    json_decref(r);
}

/* A scorecard line with a venue, "and" and "not out" is still a results
 * line; after an initial a listed word is a surname, a country is not. */
static void test_scorecards(void **state)
{
    fixture_t *f = *state;
    json_t *r = enrich_ok(f, "CRICKET - COUNTY SCORES",
                          "Chester-le-Street : Glamorgan 259 and 207 ( A. Dale 69 , H. Morris 69 "
                          "; D. Blenkiron 4-43 ) , Durham 114 ( S. Watkin 4-28 ) and 81-3 .\n"
                          "Hove : Sussex 363 ( W. Athey 111 not out ; I. Austin 4-37 ) , "
                          "Lancashire 197-8 ( T. Moody 54 )\n"
                          "Talks between N. Korea and S. Korea resumed on Friday in the "
                          "capital.\n");
    json_t *people = json_object_get(r, "people");
    static const char *const names[] = {"A. Dale",   "H. Morris", "D. Blenkiron",
                                        "S. Watkin", "I. Austin", "T. Moody"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        assert_non_null(find_named(people, names[i]));
    assert_null(find_named(people, "N. Korea"));
    json_t *orgs = json_object_get(r, "organisations");
    assert_null(find_named(orgs, "Austin"));
    assert_null(find_named(orgs, "Moody's"));
    json_decref(r);
}

/* A town in capitals that no list knows, opening a dateline, is a place
 * in the country named after it, named as a list would write it. */
static void test_unknown_datelines(void **state)
{
    fixture_t *f = *state;
    json_t *r = enrich_ok(f, "Assault charges dropped against ex-rebel",
                          "PARAMARIBO, Surinam 1996-08-30\n"
                          "A court dropped the charges on Friday, his lawyer said.\n");
    json_t *places = json_object_get(r, "places");
    json_t *p = find_named(places, "Paramaribo");
    assert_non_null(p);
    assert_string_equal(json_string_value(json_object_get(p, "literal")), "SR");
    assert_null(find_named(json_object_get(r, "organisations"), "PARAMARIBO"));
    json_decref(r);

    /* A compass word before a region names a part of it, in its country. */
    r = enrich_ok(f, "Nickel",
                  "The plant in Southeast Sulawesi will start in 2028, and another in "
                  "Northern California next year.\n");
    places = json_object_get(r, "places");
    p = find_named(places, "Southeast Sulawesi");
    assert_non_null(p);
    assert_string_equal(json_string_value(json_object_get(p, "literal")), "ID");
    assert_non_null(find_named(places, "Northern California"));
    assert_null(find_named(places, "Southeast"));
    json_decref(r);
}

/* A market index is no organisation, an exchange still is; a competition
 * in another language is no person. */
static void test_indexes_competitions(void **state)
{
    fixture_t *f = *state;
    nw_enrich_status_t st;
    json_t *r = enrich_ok(f, "Markets",
                          "Shares rose 4% in Tokyo, beating a 0.6% gain in the Nikkei average, "
                          "while the benchmark KOSPI index slipped and the American Stock "
                          "Exchange index was flat. Loans came from banks including "
                          "Standard Chartered and Rabobank. The forward joins after the "
                          "Campeonato Gaucho ends in April.\n");
    json_t *orgs = json_object_get(r, "organisations");
    assert_null(find_named(orgs, "Nikkei"));
    assert_null(find_named(orgs, "KOSPI"));
    assert_non_null(find_named(orgs, "American Stock Exchange"));
    assert_null(find_named(json_object_get(r, "people"), "Campeonato Gaucho"));
    json_decref(r);

    /* After "of" or "for", "and" and an unknown word go on with the name. */
    r = enrich_text(f, "Talks", NULL,
                    "Experts at the Organisation for Economic Cooperation and Development said "
                    "on Monday that the growth forecast was cut, and the country's Ministry of "
                    "Trade and Industry said it would meet officials of the Bank of England and "
                    "of Barclays in the coming weeks to discuss the outlook.\n",
                    NULL, &st);
    orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "Organisation for Economic Cooperation and Development"));
    assert_non_null(find_named(orgs, "Ministry of Trade and Industry"));
    assert_non_null(find_named(orgs, "Bank of England"));
    assert_non_null(find_named(orgs, "Barclays"));
    json_decref(r);
}

/* Sports copy: a city or county beside a score is the team, a city in the
 * dateline or after "in" stays a place, a country stays a place; in an
 * individual sport a city is a place; capitals alone make no acronym. */
static void test_sports_and_capitals(void **state)
{
    fixture_t *f = *state;
    nw_enrich_status_t st;
    const char *body = "LEEDS 2025-05-03\n"
                       "Surrey beat Kent by six wickets in Canterbury on Saturday, "
                       "while Australia lost to India.\n"
                       "Scores:\n"
                       "Essex 312 and 140-4\n"
                       "Bowling: McGrath 10-1-42-2\n"
                       "Leicester: Leicestershire beat Somerset by an innings.\n";
    json_t *r = enrich_text(f, "CRICKET - SURREY BEAT KENT", NULL, body, NULL, &st);
    assert_int_equal(st, NW_ENRICH_OK);
    json_t *orgs = json_object_get(r, "organisations");
    json_t *places = json_object_get(r, "places");
    static const char *const counties[] = {"Surrey", "Kent", "Essex", "Leicestershire", "Somerset"};
    for (size_t i = 0; i < sizeof(counties) / sizeof(counties[0]); i++) {
        assert_non_null(find_named(orgs, counties[i]));
        assert_null(find_named(places, counties[i]));
    }
    assert_null(find_named(orgs, "McGrath"));         /* a bowler, not a side */
    assert_non_null(find_named(places, "Leicester")); /* a venue label */
    assert_non_null(find_named(places, "Leeds"));
    assert_non_null(find_named(places, "Canterbury"));
    assert_non_null(find_named(places, "Australia"));
    assert_null(find_named(orgs, "Australia"));
    json_decref(r);

    r = enrich_text(f, "SOCCER - SCOTTISH LEAGUE RESULTS", NULL,
                    "Results on Saturday:\nAlloa Athletic 2 Arbroath 1\n"
                    "Forfar 0 Stenhousemuir 3\nFourth 1 Fifth 2\n",
                    NULL, &st);
    orgs = json_object_get(r, "organisations");
    static const char *const teams[] = {"Arbroath", "Forfar", "Stenhousemuir"};
    for (size_t i = 0; i < sizeof(teams) / sizeof(teams[0]); i++)
        assert_non_null(find_named(orgs, teams[i]));
    assert_null(find_named(orgs, "Fourth"));
    json_decref(r);

    r = enrich_text(f, "TENNIS - SEEDS FALL IN MADRID", NULL,
                    "Madrid saw three seeds fall on Tuesday.\nDIVISION ONE PCT\n", NULL, &st);
    assert_non_null(find_named(json_object_get(r, "places"), "Madrid"));
    orgs = json_object_get(r, "organisations");
    assert_null(find_named(orgs, "Madrid"));
    assert_null(find_named(orgs, "DIVISION"));
    assert_null(find_named(orgs, "PCT"));
    json_decref(r);

    /* A dateline with a month after the comma names where the story was
     * filed, not a team; the same city beside a score is the team. */
    r = enrich_text(f, "BASKETBALL - LEADERS WIN AGAIN", NULL,
                    "ISTANBUL, Dec 12 - The leaders won again on Thursday.\n"
                    "Results:\nLeeds 84 Arbroath 81\nPanathinaikos 90 Anadolu Efes 77\n",
                    NULL, &st);
    assert_non_null(find_named(json_object_get(r, "places"), "Istanbul"));
    orgs = json_object_get(r, "organisations");
    assert_null(find_named(orgs, "Istanbul"));
    assert_non_null(find_named(orgs, "Leeds"));
    /* A club whose first word a list knows as something else. */
    assert_non_null(find_named(orgs, "Anadolu Efes"));
    assert_null(find_named(orgs, "Anadolu Agency"));
    json_decref(r);
}

/* The generated gazetteers: former countries, AP style state abbreviations,
 * continents and oceans with their UN M49 code. */
static void test_generated_gazetteers(void **state)
{
    fixture_t *f = *state;
    nw_enrich_status_t st;
    const char *body = "Refugees from the former Yugoslavia and from Zaire reached Europe, "
                       "officials in Tulsa, Okla., said on Monday. A second group crossed the "
                       "Atlantic Ocean to Albuquerque, N.M.";
    json_t *r = enrich_text(f, "Refugees arrive", NULL, body, NULL, &st);
    assert_int_equal(st, NW_ENRICH_OK);
    json_t *places = json_object_get(r, "places");
    static const char *const want[][2] = {{"Yugoslavia", "YU"},      {"Zaire", "ZR"},
                                          {"Europe", "150"},         {"Oklahoma", "US"},
                                          {"Atlantic Ocean", "001"}, {"New Mexico", "US"}};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        json_t *p = find_named(places, want[i][0]);
        assert_non_null(p);
        assert_string_equal(json_string_value(json_object_get(p, "literal")), want[i][1]);
    }
    json_t *ext = json_object_get(json_object_get(r, "newswire"), "entities");
    json_t *ok = find_named(json_object_get(ext, "places"), "Oklahoma");
    assert_string_equal(json_string_value(json_array_get(json_object_get(ok, "forms"), 0)),
                        "Okla.");
    json_decref(r);
}

/* A place name of two countries ("Perth") is the one in the country the
 * article is mostly about, and so is a place the gazetteer lacks; an
 * article that names no country's places leaves such a place out. */
static void test_dominant_country(void **state)
{
    fixture_t *f = *state;
    nw_enrich_status_t st;
    static const struct {
        const char *body, *place, *code;
    } cases[] = {
        {"Fans in Sydney and Melbourne cheered as the team landed in Perth.", "Perth", "AU"},
        {"Fans in Glasgow and Edinburgh cheered as the team landed in Perth.", "Perth", "GB"},
        {"Runners from Nairobi and Eldoret said the camp in the town of Iten was full.", "Iten",
         "KE"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *r = enrich_text(f, "Arrivals", NULL, cases[i].body, NULL, &st);
        assert_int_equal(st, NW_ENRICH_OK);
        json_t *p = find_named(json_object_get(r, "places"), cases[i].place);
        assert_non_null(p);
        assert_string_equal(json_string_value(json_object_get(p, "literal")), cases[i].code);
        json_decref(r);
    }
    json_t *r =
        enrich_text(f, "Arrivals", NULL, "The camp in the town of Iten was full.", NULL, &st);
    assert_int_equal(st, NW_ENRICH_OK);
    assert_null(find_named(json_object_get(r, "places"), "Iten"));
    json_decref(r);
}

/* A noun for a kind of organisation names what follows; a title still
 * names a person. */
static void test_org_cues(void **state)
{
    fixture_t *f = *state;
    nw_enrich_status_t st;
    json_t *r = enrich_text(f, "Results", NULL,
                            "Spanish team Deportivo Coruna signed a deal with carmaker Zentrovia, "
                            "club president Florentino Perez said on Monday.",
                            NULL, &st);
    json_t *orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "Deportivo Coruna"));
    assert_non_null(find_named(orgs, "Zentrovia"));
    assert_null(find_named(json_object_get(r, "people"), "Deportivo Coruna"));
    assert_non_null(find_named(json_object_get(r, "people"), "Florentino Perez"));
    json_decref(r);

    /* Only companies have shares, and what is based somewhere, named right
     * after, is a body; a person based there has a noun between. */
    r = enrich_text(f, "Markets", NULL,
                    "Shares of Zentrovia Cement rose, said Chidinma Okafor of Lagos-based "
                    "Quorvant. Lagos-based economist Tunde Bakare agreed.",
                    NULL, &st);
    orgs = json_object_get(r, "organisations");
    json_t *people = json_object_get(r, "people");
    assert_non_null(find_named(orgs, "Zentrovia Cement"));
    assert_null(find_named(people, "Zentrovia Cement"));
    assert_non_null(find_named(orgs, "Quorvant"));
    assert_non_null(find_named(people, "Tunde Bakare"));
    assert_null(find_named(orgs, "Tunde Bakare"));
    json_decref(r);

    /* A sport and a country, either way round, name a national body; the
     * country alone is still a place elsewhere. */
    r = enrich_text(f, "Cricket", NULL,
                    "Sri Lanka Cricket said the ground would be covered, and Athletics Kenya "
                    "named its team. Rain is forecast in Sri Lanka.",
                    NULL, &st);
    orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "Sri Lanka Cricket"));
    assert_non_null(find_named(orgs, "Athletics Kenya"));
    assert_non_null(find_named(json_object_get(r, "places"), "Sri Lanka"));
    json_decref(r);

    /* A name set beside a body's noun after a comma is that body's. */
    r = enrich_text(f, "Vote", NULL,
                    "The lower house of parliament, the Zorvath, voted on Thursday.", NULL, &st);
    assert_non_null(find_named(json_object_get(r, "organisations"), "Zorvath"));
    json_decref(r);

    /* Such a noun names a short run of capitals too, as one name. */
    r = enrich_text(f, "Deal", NULL,
                    "The carmaker will buy nickel from state holding company MIND ID, "
                    "officials said.",
                    NULL, &st);
    orgs = json_object_get(r, "organisations");
    assert_non_null(find_named(orgs, "MIND ID"));
    assert_null(find_named(orgs, "MIND"));
    json_decref(r);
}

/* Short or ambiguous list entries need context: "ICE" in "ICE HOCKEY" is
 * the word, "Vale" after "Port Vale" the club, not the mining company. */
static void test_ambiguous_entries(void **state)
{
    fixture_t *f = *state;
    nw_enrich_status_t st;
    json_t *r = enrich_text(f, "ICE HOCKEY - RESULTS", NULL,
                            "The ICE HOCKEY season opens in Riga.\nPort Vale drew 1-1 with Stoke "
                            "on Saturday. Vale manager John Rudge said the team deserved more.",
                            NULL, &st);
    json_t *orgs = json_object_get(r, "organisations");
    assert_null(find_named(orgs, "Immigration and Customs Enforcement"));
    assert_null(find_named(orgs, "Vale"));
    json_t *ext = json_object_get(json_object_get(r, "newswire"), "entities");
    json_t *club = json_array_get(json_object_get(ext, "organisations"), 0);
    assert_non_null(strstr(json_string_value(json_object_get(club, "name")), "Port Vale"));
    assert_int_equal(json_integer_value(json_object_get(club, "mentions")), 2);
    json_decref(r);

    r = enrich_text(f, "Raid", NULL, "ICE agents detained two men in Texas.", NULL, &st);
    assert_non_null(
        find_named(json_object_get(r, "organisations"), "Immigration and Customs Enforcement"));
    json_decref(r);
}

/* A nationality word inside a recognised organisation's name is part of
 * the name: "European Union" and "European Commission" are no mention of
 * Europe, while "German" and "European" on their own still are. */
static void test_nationality_inside_names(void **state)
{
    fixture_t *f = *state;
    nw_enrich_status_t st;
    json_t *r = enrich_ok(f, "Summit",
                          "European Union leaders met in Brussels. European Commission "
                          "President Ursula von der Leyen and the Australian Defence Force "
                          "chief spoke to German reporters.");
    json_t *ext = json_object_get(json_object_get(r, "newswire"), "entities");
    json_t *orgs = json_object_get(ext, "organisations");
    assert_non_null(find_named(orgs, "European Union"));
    assert_non_null(find_named(orgs, "European Commission"));
    json_t *nat = json_object_get(ext, "nationalities");
    assert_null(find_named(nat, "Europe"));
    assert_null(find_named(nat, "Australia"));
    json_t *de = find_named(nat, "Germany");
    assert_non_null(de);
    assert_int_equal(json_integer_value(json_object_get(de, "mentions")), 1);
    json_decref(r);

    r = enrich_text(f, "Summit", NULL,
                    "Ministers from European countries met the European Union's envoy in Paris.",
                    NULL, &st);
    ext = json_object_get(json_object_get(r, "newswire"), "entities");
    json_t *eu = find_named(json_object_get(ext, "nationalities"), "Europe");
    assert_non_null(eu);
    assert_int_equal(json_integer_value(json_object_get(eu, "mentions")), 1);
    json_decref(r);
}

/* A word is looked up when first asked about, and a word without a
 * capital is passed over when the bitmap of what such a word can open
 * says so: no key that opens a match without a capital may be missing
 * from it, and a key that only opens case-exact entries written with a
 * capital is not in it. */
static void test_lookups_on_demand(void **state)
{
    (void)state;
    nw_gazetteer_t g = {0};
    char err[256] = "";
    assert_int_equal(nw_gaz_load(&g, &test_api, NULL, "gazetteers", err, sizeof(err)), 0);
    for (size_t j = 0; j < g.folded.cap; j++) {
        const nw_strmap_slot_t *s = &g.folded.slots[j];
        if (s->key && nw_gaz_opens_nocap(&g.entries[s->val]))
            assert_true(nw_gaz_may_open_nocap(&g, s->hash));
    }
    nw_ent_toks_t t = {0};
    const char *text = "spokesperson said zzqxv";
    assert_int_equal(nw_ent_tokenize(&t, text, strlen(text)), 0);
    assert_int_equal(t.n, 3);
    for (size_t i = 0; i < t.n; i++)
        assert_int_equal(t.v[i].gaz, 0); /* not looked up yet */
    const nw_gaz_entry_t *e = nw_ent_tok_entry(&g, &t, 0);
    assert_non_null(e);
    assert_true(e->roles & NW_LEX_TITLE);
    assert_true(nw_gaz_opens_nocap(e));
    assert_true(nw_gaz_may_open_nocap(&g, t.v[0].fold_hash));
    assert_true(t.v[0].gaz > 1);
    assert_true(nw_ent_tok_roles(&g, &t, 1) & NW_LEX_SPEECH);
    assert_false(nw_gaz_opens_nocap(nw_ent_tok_entry(&g, &t, 1)));
    assert_null(nw_ent_tok_entry(&g, &t, 2));
    assert_int_equal(t.v[2].gaz, 1); /* looked up: in no table */
    assert_null(nw_ent_tok_entry(&g, &t, 2));
    /* "US" is case-exact: "us" in text is no match for it, so the word
     * opens nothing, and its bit is left clear unless another key's hash
     * shares it. */
    const nw_gaz_entry_t *us = nw_gaz_folded(&g, "us");
    assert_non_null(us);
    assert_true(us->has_exact);
    assert_false(us->has_exact_nocap);
    assert_false(nw_gaz_opens_nocap(us));
    nw_ent_toks_free(&t);
    nw_gaz_free(&g);
}

/* The bits of the keys of two or more words, and of their first words,
 * turn a run of words away before the table is probed and end the runs
 * tried from a start: no such key or first words may be missing from
 * them, and most one-word keys' bits are clear (else they would turn
 * nothing away). */
static void test_run_bits(void **state)
{
    (void)state;
    nw_gazetteer_t g = {0};
    char err[256] = "";
    assert_int_equal(nw_gaz_load(&g, &test_api, NULL, "gazetteers", err, sizeof(err)), 0);
    size_t words = 0, words_set = 0;
    for (size_t j = 0; j < g.folded.cap; j++) {
        const nw_strmap_slot_t *s = &g.folded.slots[j];
        if (!s->key)
            continue;
        const char *key = g.folded.keys.data + s->key - 1;
        if (strchr(key, ' ')) {
            assert_true(nw_gaz_may_run(&g, s->hash));
            char first[512];
            size_t n = strlen(key) < sizeof(first) ? strlen(key) : sizeof(first) - 1;
            memcpy(first, key, n);
            first[n] = '\0';
            for (char *sp = strrchr(first, ' '); sp; sp = strrchr(first, ' ')) {
                *sp = '\0'; /* the key's first words, one fewer each time */
                if (strchr(first, ' '))
                    assert_true(nw_gaz_may_run(&g, nw_strmap_hash(first)));
            }
        } else {
            words++;
            words_set += nw_gaz_may_run(&g, s->hash);
        }
    }
    assert_true(words > 1000);
    assert_true(words_set * 4 < words);
    /* "prime minister" is a key of two words, "minister prime" is none. */
    nw_ent_toks_t t = {0};
    const char *text = "Prime Minister";
    assert_int_equal(nw_ent_tokenize(&t, text, strlen(text)), 0);
    uint64_t h = nw_ent_hash_more(t.v[0].fold_hash, t.v[1].fold_hash);
    assert_true(nw_gaz_may_run(&g, h));
    assert_non_null(nw_gaz_folded(&g, "prime minister"));
    nw_ent_toks_free(&t);
    nw_gaz_free(&g);
}

/* A word longer than every particle or suffix is not looked up to learn
 * it is neither: the longest ones bound what is looked up, and names with
 * them still run on through both. */
static void test_particle_and_suffix_lengths(void **state)
{
    fixture_t *f = *state;
    nw_gazetteer_t gaz = {0}, *g = &gaz;
    char err[256] = "";
    assert_int_equal(nw_gaz_load(g, &test_api, NULL, "gazetteers", err, sizeof(err)), 0);
    uint32_t particle = 0, suffix = 0;
    for (size_t j = 0; j < g->folded.cap; j++) {
        const nw_strmap_slot_t *s = &g->folded.slots[j];
        if (!s->key)
            continue;
        if ((g->entries[s->val].roles & NW_LEX_PARTICLE) && s->len > particle)
            particle = s->len;
        if ((g->entries[s->val].roles & NW_LEX_SUFFIX) && s->len > suffix)
            suffix = s->len;
    }
    assert_int_equal(g->particle_len, particle);
    assert_int_equal(g->suffix_len, suffix);
    assert_int_equal(particle, strlen("della"));
    nw_gaz_free(g);
    nw_enrich_status_t st;
    json_t *r =
        enrich_text(f, "Visit", NULL,
                    "Maria della Rovere met Martin Luther King III in Rome on Monday.", NULL, &st);
    assert_int_equal(st, NW_ENRICH_OK);
    json_t *people = json_object_get(r, "people");
    assert_non_null(find_named(people, "Maria della Rovere"));
    assert_non_null(find_named(people, "Martin Luther King III"));
    json_decref(r);
}

/* Paragraphs are counted in chunks of at most 1023 tokens: a paragraph
 * longer than that still counts every token, and one in Title Case or in
 * capitals is marked so whatever its length. */
static void test_long_paragraphs(void **state)
{
    (void)state;
    nw_gazetteer_t g = {0};
    char err[256] = "";
    assert_int_equal(nw_gaz_load(&g, &test_api, NULL, "gazetteers", err, sizeof(err)), 0);
    nw_buf_t text = {0};
    for (int i = 0; i < 2500; i++) /* paragraph 0: lower case, a number every fifth word */
        nw_buf_puts(&text, i % 5 ? "plain words " : "4 ");
    nw_buf_putc(&text, '\n');
    for (int i = 0; i < 1500; i++)
        nw_buf_puts(&text, "Quarterly Results ");
    nw_buf_putc(&text, '\n');
    for (int i = 0; i < 1100; i++)
        nw_buf_puts(&text, "HEAVY RAIN ");
    assert_true(nw_buf_ok(&text));
    const char *segments[] = {nw_buf_str(&text)};
    nw_ent_work_t w = {0};
    assert_int_equal(nw_ent_extract(&w, &g, segments, 1, NULL), 0);
    assert_int_equal(w.toks.n_paras, 4); /* the segment's line break opens an empty one */
    assert_int_equal(w.paras[0].end, 2000 * 2 + 500);
    assert_int_equal(w.paras[0].lower, 2000 * 2);
    assert_int_equal(w.paras[0].digits, 500);
    assert_int_equal(w.para_style[0], NW_PARA_NORMAL);
    assert_int_equal(w.paras[1].end, 4500 + 3000);
    assert_int_equal(w.paras[1].lower, 0);
    assert_int_equal(w.para_style[1], NW_PARA_TITLECASE);
    assert_int_equal(w.paras[2].end, 7500 + 2200);
    assert_int_equal(w.para_style[2], NW_PARA_SHOUTING);
    assert_int_equal(w.n_caps, 3000 + 2200);
    nw_ent_work_free(&w);
    nw_buf_free(&text);
    nw_gaz_free(&g);
}

/* A key's hash is its words' hashes carried on (nw_ent_hash_more()),
 * whatever the words' lengths and however many spaces there are: the
 * reference splits at each space and hashes the words one by one. Each
 * key is an allocation of its own size, so a read past its end is an
 * error in the sanitizer build. */
static uint64_t reference_key_hash(const char *key)
{
    uint64_t h = 0;
    for (const char *p = key;;) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        uint64_t w = nw_ent_word_hash(p, n);
        h = p == key ? w : nw_ent_hash_more(h, w);
        if (!e)
            return h;
        p = e + 1;
    }
}

static void test_key_hash(void **state)
{
    (void)state;
    static const char alphabet[] = "ab Z \xc3\xa9 9'-";
    uint32_t seed = 12345;
    nw_strmap_t m = {0};
    for (int round = 0; round < 4000; round++) {
        size_t n = (size_t)(round % 41);
        char *key = malloc(n + 1);
        assert_non_null(key);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            key[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        key[n] = '\0';
        assert_true(nw_strmap_hash(key) == reference_key_hash(key));
        bool added;
        nw_strmap_slot_t *slot = nw_strmap_upsert(&m, key, (uint32_t)round, &added);
        assert_non_null(slot);
        const uint32_t *v = nw_strmap_get(&m, key);
        assert_non_null(v);
        assert_int_equal(*v, slot->val);
        free(key);
    }
    nw_strmap_free(&m);
}

/* Runs of plain words: each token's hash is that of its fold, "in
 * capitals" means two capitals and no small letter, and the break and
 * sentence start before a run go to its first word only, however the run
 * ends (a period, a comma, a long word, the text's end). */
static void test_plain_runs(void **state)
{
    (void)state;
    const char *text =
        "NATO and the UN met. A US Senate panel, WHO officials and I said so. "
        "Then ABCDEFGHIJKLMNOPQRST abcdefghijklmnopqrstu AbCdEfGhIjKlMnOpQrStUv went "
        "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1 "
        "home x9 X 2024\nNew paragraph: It ENDS";
    nw_ent_toks_t t = {0};
    assert_int_equal(nw_ent_tokenize(&t, text, strlen(text)), 0);
    assert_true(t.n > 20);
    for (size_t i = 0; i < t.n; i++) {
        const nw_ent_tok_t *k = &t.v[i];
        const char *fold = nw_ent_tok_fold(&t, i), *key = nw_ent_tok_key(&t, i);
        assert_int_equal(strlen(fold), k->fold_len);
        assert_true(k->fold_hash == nw_ent_word_hash(fold, k->fold_len));
        assert_int_equal(strncmp(key, text + k->off, k->len), 0);
        size_t up = 0, low = 0;
        for (size_t j = 0; j < k->len; j++) {
            up += key[j] >= 'A' && key[j] <= 'Z';
            low += key[j] >= 'a' && key[j] <= 'z';
        }
        assert_int_equal((k->flags & NW_TOK_UPPER) != 0, up >= 2 && low == 0);
        assert_int_equal((k->flags & NW_TOK_CAP) != 0, key[0] >= 'A' && key[0] <= 'Z');
        /* What comes before the word in the text says its break. */
        char before = k->off ? text[k->off - 1] : '\n';
        char two = k->off > 1 ? text[k->off - 2] : '\n';
        uint8_t brk = before == '\n' ? NW_BRK_PARA
                      : two == '.'   ? NW_BRK_END
                      : two == ','   ? NW_BRK_COMMA
                      : two == ':'   ? NW_BRK_COLON
                                     : NW_BRK_NONE;
        assert_int_equal(k->brk, brk);
        assert_int_equal((k->flags & NW_TOK_SENT) != 0,
                         brk == NW_BRK_PARA || brk == NW_BRK_END || brk == NW_BRK_COLON);
    }
    nw_ent_toks_free(&t);
}

/* A word in a long run of words is the token it is alone: the run takes
 * the short-word loop, a text shorter than a block the general way. Words
 * of every shape the loop takes (small letters, a capital, capitals,
 * digits, fifteen bytes) and some it leaves (sixteen bytes, abbreviations,
 * the text's last bytes), after every punctuation the loop takes for the
 * next word, whose break and sentence start are what the bytes before it
 * say. */
static void short_words_check(void);

/* Both builds of the loop (AVX2 and SSE2) where the CPU has AVX2. */
static void test_short_words(void **state)
{
    (void)state;
    for (int off = 0; off < 2; off++) {
        nw_cpu_mask(off ? NW_CPU_AVX2 : 0);
        short_words_check();
    }
    nw_cpu_mask(0);
}

static void short_words_check(void)
{
    char list[] = "the minister said Kyiv NATO x9 2024 iPhone ABCDEFGHIJKLMNO abcdefghijklmno "
                  "abcdefghijklmnop a Mr I at U2";
    const char *words[16];
    size_t n_words = 0;
    for (char *save, *w = strtok_r(list, " ", &save); w && n_words < 16;
         w = strtok_r(NULL, " ", &save))
        words[n_words++] = w;
    assert_int_equal(n_words, 16);
    static const char *const seps[] = {" ", ", ", ". ", " ", ": ", "; ", "! ", "? ", " "};
    char text[2048] = "";
    for (size_t rep = 0; rep < 6; rep++)
        for (size_t j = 0; j < n_words; j++) {
            strcat(text, words[j]);
            strcat(text, seps[(rep * n_words + j) % (sizeof(seps) / sizeof(seps[0]))]);
        }
    nw_ent_toks_t t = {0}, one = {0};
    assert_int_equal(nw_ent_tokenize(&t, text, strlen(text)), 0);
    assert_int_equal(t.n, 6 * n_words);
    for (size_t i = 0; i < t.n; i++) {
        const nw_ent_tok_t *k = &t.v[i];
        nw_ent_toks_reset(&one);
        assert_int_equal(nw_ent_tokenize(&one, text + k->off, k->len), 0);
        assert_int_equal(one.n, 1);
        const nw_ent_tok_t *o = &one.v[0];
        assert_int_equal(k->len, o->len);
        assert_int_equal(k->key_len, o->key_len);
        assert_int_equal(k->fold_len, o->fold_len);
        assert_string_equal(nw_ent_tok_key(&t, i), nw_ent_tok_key(&one, 0));
        assert_string_equal(nw_ent_tok_fold(&t, i), nw_ent_tok_fold(&one, 0));
        assert_true(k->fold_hash == o->fold_hash);
        assert_int_equal(k->flags & ~NW_TOK_SENT, o->flags & ~NW_TOK_SENT);
        assert_int_equal(k->letters, o->letters);
        assert_int_equal(k->gaz, 0);
        assert_int_equal(k->tail, 0);
        /* The bytes between the word before and this one. */
        uint8_t brk = NW_BRK_PARA;
        bool sent = true;
        if (i > 0) {
            brk = NW_BRK_NONE;
            sent = false;
            for (size_t j = t.v[i - 1].off + t.v[i - 1].len; j < k->off; j++) {
                uint8_t b = strchr(",;", text[j])    ? NW_BRK_COMMA
                            : strchr(".!?", text[j]) ? NW_BRK_END
                            : text[j] == ':'         ? NW_BRK_COLON
                                                     : NW_BRK_NONE;
                sent |= b == NW_BRK_END || b == NW_BRK_COLON;
                brk = b > brk ? b : brk;
            }
        }
        assert_int_equal(k->brk, brk);
        assert_int_equal((k->flags & NW_TOK_SENT) != 0, sent);
    }
    nw_ent_toks_free(&t);
    nw_ent_toks_free(&one);
}

/* The byline's authors are kept out of each article's people, and only
 * that article's: the byline's tokens are kept from one article to the
 * next. */
static void test_byline_each_article(void **state)
{
    fixture_t *f = *state;
    nw_enrich_status_t st;
    const char *body = "Jane Doe said Mr Smith had gone. John Smith later told reporters "
                       "that Jane Doe was wrong.\n";
    const char *bylines[] = {"Jane Doe", "John Smith and Ann Roe", NULL, "Jane Doe"};
    for (size_t a = 0; a < sizeof(bylines) / sizeof(bylines[0]); a++) {
        json_t *r = enrich_text(f, "Talks", NULL, body, bylines[a], &st);
        assert_int_equal(st, NW_ENRICH_OK);
        json_t *people = json_object_get(r, "people");
        bool jane = bylines[a] && strstr(bylines[a], "Jane");
        bool john = bylines[a] && strstr(bylines[a], "John");
        assert_int_equal(find_named(people, "Jane Doe") == NULL, jane);
        assert_int_equal(find_named(people, "John Smith") == NULL, john);
        json_decref(r);
    }
}

/* The byte path writes the ninjs arrays and the counts side by side, each
 * name escaped once: both parse to what the jansson path puts in the
 * record, also with names past ASCII, codes, a list that is empty and the
 * nationalities, which only the counts have. */
static void test_bytes_side_by_side(void **state)
{
    fixture_t *f = *state;
    const char *body = "Officials in S\xc3\xa3o Paulo and Z\xc3\xbcrich met German and French "
                       "envoys. Angela Merkel of the European Union spoke to "
                       "Fran\xc3\xa7ois Hollande in Brazil.\n";
    const char *bodies[] = {body, "nothing to see here.\n"};
    for (size_t b = 0; b < 2; b++) {
        nw_enrich_input_t in = {.size = sizeof(in),
                                .article_id = "t",
                                .headline = "Talks",
                                .body = bodies[b],
                                .published = INT64_MIN,
                                .partition = -1};
        json_t *record = json_pack("{s:{}}", "newswire");
        char detail[128], bdetail[128];
        assert_int_equal(f->d->enrich(f->state, record, &in, detail, sizeof(detail)), NW_ENRICH_OK);
        nw_enrich_bytes_t rec = {0};
        assert_int_equal(nw_builtin_entities_bytes(f->state, &rec, &in, bdetail, sizeof(bdetail)),
                         NW_ENRICH_OK);
        assert_string_equal(detail, bdetail);
        /* ",\"key\":value..." as an object: "{" and the bytes after the comma. */
        char *top = malloc(rec.top.len + 3), *ext = malloc(rec.ext.len + 3);
        assert_non_null(top);
        assert_non_null(ext);
        snprintf(top, rec.top.len + 3, "{%s}", rec.top.len ? nw_buf_str(&rec.top) + 1 : "");
        snprintf(ext, rec.ext.len + 3, "{%s}", nw_buf_str(&rec.ext) + 1);
        json_t *t = json_loads(top, 0, NULL), *e = json_loads(ext, 0, NULL);
        assert_non_null(t);
        assert_non_null(e);
        json_t *want = json_deep_copy(record);
        json_t *nw = json_object_get(want, "newswire");
        assert_true(json_equal(json_object_get(nw, "entities"), json_object_get(e, "entities")));
        json_object_del(want, "newswire");
        assert_true(json_equal(want, t));
        if (b == 0) {
            json_t *places = json_object_get(t, "places");
            assert_non_null(find_named(places, "S\xc3\xa3o Paulo"));
            assert_true(json_array_size(
                            json_object_get(json_object_get(e, "entities"), "nationalities")) > 0);
        } else {
            assert_int_equal(rec.top.len, 0);
        }
        json_decref(t);
        json_decref(e);
        json_decref(want);
        json_decref(record);
        free(top);
        free(ext);
        nw_enrich_bytes_free(&rec);
    }
}

/* The name arena: copies stay where they are and intact while more are
 * added (past its first block, and one larger than any block), and a reset
 * makes room again. */
static void test_name_arena(void **state)
{
    (void)state;
    nw_ent_arena_t a = {0};
    for (int round = 0; round < 3; round++) {
        char *copies[400];
        char text[5000];
        for (size_t i = 0; i < sizeof(text); i++)
            text[i] = (char)('a' + (i * 7 + (size_t)round) % 26);
        for (size_t i = 0; i < 400; i++) {
            size_t n = i == 200 ? 4500 : i % 37;
            copies[i] = nw_ent_arena_dup(&a, text + i, n);
            assert_non_null(copies[i]);
        }
        for (size_t i = 0; i < 400; i++) {
            size_t n = i == 200 ? 4500 : i % 37;
            assert_int_equal(strlen(copies[i]), n);
            assert_memory_equal(copies[i], text + i, n);
        }
        nw_ent_arena_reset(&a);
    }
    nw_ent_arena_free(&a);
    nw_ent_arena_free(&a); /* a freed arena is a zeroed one */
}

/* The mentions of the entity of list named name; -1 when none is. */
static json_int_t mentions_of(json_t *list, const char *name)
{
    json_t *e = find_named(list, name);
    return e ? json_integer_value(json_object_get(e, "mentions")) : -1;
}

/* A mention with a person's first and last words is that person, whether
 * the name has two words or more ("Joseph Biden" after "Joseph Robinette
 * Biden"); the first and last words of another name are not. */
static void test_first_and_last_words(void **state)
{
    fixture_t *f = *state;
    json_t *r = enrich_ok(f, "Talks in Washington",
                          "WASHINGTON - Joseph Robinette Biden met Mary Smith on Monday.\n"
                          "Joseph Biden said the talks went well, and Mary Smith agreed.\n"
                          "Joseph Smith did not attend.\n");
    json_t *people =
        json_object_get(json_object_get(json_object_get(r, "newswire"), "entities"), "people");
    assert_int_equal(mentions_of(people, "Joseph Robinette Biden"), 2);
    assert_int_equal(mentions_of(people, "Joseph Biden"), -1);
    assert_int_equal(mentions_of(people, "Mary Smith"), 2);
    json_decref(r);
}

/* A set of forms in an arena: each form once, in the order first added,
 * those before intact while the set grows into new room, at most sixteen;
 * a form with a line break, or none, is not one. */
static void test_forms_in_arena(void **state)
{
    (void)state;
    nw_ent_arena_t a = {0};
    nw_ent_forms_t f = {0}, g = {0};
    char want[1024] = "", form[64];
    size_t len = 0;
    for (int i = 0; i < 40; i++) {
        /* Another set grows in the same arena between two of f's. */
        assert_int_equal(nw_ent_forms_add(&a, &g, "other", 5), 0);
        int n = snprintf(form, sizeof(form), "Form number %d of the set", i % 20);
        assert_int_equal(nw_ent_forms_add(&a, &f, form, (size_t)n), 0);
        if (i < 16) {
            len += (size_t)snprintf(want + len, sizeof(want) - len, "%s%s", i ? "\n" : "", form);
        }
    }
    assert_int_equal(nw_ent_forms_add(&a, &f, "a\nb", 3), 0);
    assert_int_equal(nw_ent_forms_add(&a, &f, NULL, 0), 0);
    assert_int_equal(f.n, 16);
    assert_int_equal(f.len, strlen(want));
    assert_string_equal(f.s, want);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.s, "other");
    nw_ent_arena_free(&a);
}

/* A list's index keys a name by its ASCII lower case, eight bytes a step
 * with the last step overlapping, or byte by byte when shorter: names of
 * every length up to five steps, of any bytes, are one entity with their
 * lower case and another with a byte that is no ASCII letter flipped as a
 * capital's would be ("@" and "`", "[" and "{", "\xc9" and "\xe9"). */
static bool ascii_letter(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static void test_list_keys(void **state)
{
    (void)state;
    nw_ent_list_t l = {0};
    uint32_t seed = 12345;
    for (size_t len = 1; len <= 40; len++) {
        for (int trial = 0; trial < 30; trial++) {
            char name[41], low[41], other[41];
            for (size_t i = 0; i < len; i++) {
                seed = seed * 1103515245u + 12345u;
                unsigned char c = (unsigned char)(seed >> 16);
                /* Mostly the bytes around the capitals and small letters. */
                name[i] = (char)(trial % 3 ? 0x3e + c % 0x42 : 1 + c % 255);
            }
            for (size_t i = 0; i < len; i++)
                low[i] = name[i] >= 'A' && name[i] <= 'Z' ? (char)(name[i] + 32) : name[i];
            memcpy(other, name, len);
            size_t flip = SIZE_MAX;
            for (size_t i = 0; i < len && flip == SIZE_MAX; i++)
                if (!ascii_letter((unsigned char)name[i]) &&
                    !ascii_letter((unsigned char)(name[i] ^ 0x20)) && (name[i] ^ 0x20) != 0)
                    flip = i;
            if (flip != SIZE_MAX)
                other[flip] = (char)(other[flip] ^ 0x20);
            const char *code = trial % 2 ? "GB" : NULL;
            size_t a, b, c;
            nw_ent_list_clear(&l);
            assert_int_equal(nw_ent_list_add(&l, name, len, code, 0, NULL, &a), 0);
            assert_int_equal(nw_ent_list_add(&l, low, len, code, 1, NULL, &b), 0);
            assert_int_equal(a, b);
            assert_int_equal(l.v[a].mentions, 2);
            assert_memory_equal(l.v[a].name, name, len);
            assert_int_equal(nw_ent_list_add(&l, other, len, code, 2, NULL, &c), 0);
            if (flip != SIZE_MAX)
                assert_int_not_equal(a, c);
            else
                assert_int_equal(a, c);
        }
    }
    nw_ent_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sports_and_capitals),
        cmocka_unit_test(test_datelines_particles_ranked_teams),
        cmocka_unit_test(test_common_heads),
        cmocka_unit_test(test_org_shapes),
        cmocka_unit_test(test_bracketed_short_names),
        cmocka_unit_test(test_results_teams),
        cmocka_unit_test(test_scorecards),
        cmocka_unit_test(test_team_short_names),
        cmocka_unit_test(test_competitors),
        cmocka_unit_test(test_body_names),
        cmocka_unit_test(test_unknown_datelines),
        cmocka_unit_test(test_indexes_competitions),
        cmocka_unit_test(test_generated_gazetteers),
        cmocka_unit_test(test_org_cues),
        cmocka_unit_test(test_ambiguous_entries),
        cmocka_unit_test(test_nationality_inside_names),
        cmocka_unit_test(test_lookups_on_demand),
        cmocka_unit_test(test_long_paragraphs),
        cmocka_unit_test(test_key_hash),
        cmocka_unit_test(test_plain_runs),
        cmocka_unit_test(test_short_words),
        cmocka_unit_test(test_byline_each_article),
        cmocka_unit_test(test_bytes_side_by_side),
        cmocka_unit_test(test_name_arena),
        cmocka_unit_test(test_forms_in_arena),
        cmocka_unit_test(test_list_keys),
        cmocka_unit_test(test_first_and_last_words),
        cmocka_unit_test(test_run_bits),
        cmocka_unit_test(test_dominant_country),
        cmocka_unit_test(test_particle_and_suffix_lengths),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
