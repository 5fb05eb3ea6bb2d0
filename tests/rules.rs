//! Rule families end to end, table-driven: text in, the typed mentions that
//! must (and must not) come out. Cases are written from the shapes the
//! rules describe, with names that are in no sample and mostly in no list.

use kinex::pipeline::{Pipeline, Worker};
use kinex::record::Record;
use std::sync::OnceLock;

fn full() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::embedded().unwrap())
}

fn patterns_only() -> &'static Pipeline {
    static P: OnceLock<Pipeline> = OnceLock::new();
    P.get_or_init(|| Pipeline::patterns_only().unwrap())
}

fn run(p: &Pipeline, text: &str) -> Record {
    let rec = p.extract("t.txt", text.as_bytes(), None, &mut Worker::new());
    for e in &rec.entities {
        assert_eq!(&text[e.start..e.end], e.text);
    }
    rec
}

fn mentions(rec: &Record) -> Vec<(String, String)> {
    rec.entities
        .iter()
        .map(|e| (e.ty.as_str().to_string(), e.text.clone()))
        .collect()
}

/// (text, must contain, must not contain), each `type:text`.
type Case = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

fn check(p: &Pipeline, cases: &[Case]) {
    let mut failures = Vec::new();
    for (text, want, not) in cases {
        let got = mentions(&run(p, text));
        let has = |spec: &str| {
            let (ty, t) = spec.split_once(':').unwrap();
            got.iter().any(|(gt, gx)| gt == ty && gx == t)
        };
        for w in *want {
            if !has(w) {
                failures.push(format!("missing {w} in {text:?}: {got:?}"));
            }
        }
        for n in *not {
            if has(n) {
                failures.push(format!("unexpected {n} in {text:?}: {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn persons_from_context_alone() {
    check(
        patterns_only(),
        &[
            ("The jury was chaired by Kyrgyz director Nurbek Egen.", &["person:Nurbek Egen"], &["person:Kyrgyz"]),
            // A capitalized word right before a role noun describes the
            // person after it, even one that ends like a surname.
            ("The role went to Talgarov actor Anna Kovalenko.", &["person:Anna Kovalenko"], &["person:Talgarov"]),
            ("Its cinematographer, Aziz Zhambakiyev, shot on film.", &["person:Aziz Zhambakiyev"], &[]),
            ("“We were lucky,” said producer Gulnara Abikeyeva.", &["person:Gulnara Abikeyeva"], &[]),
            ("The film was directed by Emir Baigazin and stars Kuanysh Beisek.", &["person:Emir Baigazin"], &[]),
            ("Starring Samal Yeslyamova and Zhipargul Abdilaeva, it opened in May.", &["person:Samal Yeslyamova", "person:Zhipargul Abdilaeva"], &[]),
            ("Q: Why now?\nMadina: Because the story was ready.\nQ: And later?\nMadina: We rest.", &["person:Madina"], &["person:Q"]),
            ("The story follows Daulet, a shepherd, and his son Ermek.", &["person:Daulet", "person:Ermek"], &[]),
            ("Kyrgyz actor Mirlan Abdykalykov uulu won.", &["person:Mirlan Abdykalykov uulu"], &[]),
            ("Director Adilkhan Yerzhanov returned. Yerzhanov said little.", &["person:Adilkhan Yerzhanov", "person:Yerzhanov"], &[]),
            ("Shot by Khasan Kydyraliyev, the images are sparse.", &["person:Khasan Kydyraliyev"], &[]),
            ("A girl named Saltanat leaves home. Saltanat returns in winter.", &["person:Saltanat"], &[]),
            // By shape alone, two capitalized words are a name if the last
            // ends like a surname (`-ov`) or the first is a given name; a
            // broad ending (`-in`, also `Berlin`) is not evidence by itself.
            ("Outside the hall Dobrin Kostov waited.", &["person:Dobrin Kostov"], &[]),
            ("Outside the hall Dobrin Kostin waited.", &[], &["person:Dobrin Kostin"]),
            ("Outside the hall Aigerim Kostin waited.", &["person:Aigerim Kostin"], &[]),
        ],
    );
}

#[test]
fn films_from_context_alone() {
    check(
        patterns_only(),
        &[
            (
                "Her documentary «Ak Keme» opened the festival.",
                &["film:Ak Keme"],
                &[],
            ),
            (
                "The drama ‘Black Soil’ premiered in Tashkent.",
                &["film:Black Soil"],
                &[],
            ),
            (
                "Best film — «Ashygym» — Ruslan Akun",
                &["film:Ashygym", "person:Ruslan Akun"],
                &[],
            ),
            (
                "1. “Qorgan” — Zhanna Issabayeva\n2. “Zhanym” — Ermek Tursunov",
                &["film:Qorgan", "film:Zhanym"],
                &[],
            ),
            (
                "There’s also “SteppeBox” - a competition just for movies.",
                &[],
                &["film:SteppeBox"],
            ),
            (
                "Poncha by Kaisha Rakhimova took first place.",
                &["film:Poncha", "person:Kaisha Rakhimova"],
                &[],
            ),
            (
                "The program includes Steppe Wolves (1998) and The Long Road Home (2004).",
                &["film:Steppe Wolves", "film:The Long Road Home"],
                &[],
            ),
            (
                "His feature Shambala travelled widely.",
                &["film:Shambala"],
                &[],
            ),
            (
                "She had a role in The Horse Thieves, a road movie.",
                &["film:The Horse Thieves"],
                &[],
            ),
            (
                "Her films include The Orchard, Winter Salt, and The Last Ferry.",
                &[
                    "film:The Orchard",
                    "film:Winter Salt",
                    "film:The Last Ferry",
                ],
                &[],
            ),
            (
                "Adapting the novel “White Ship” took years.",
                &[],
                &["film:White Ship"],
            ),
            (
                "“Qaragym” (“My Dear”) is his third feature.",
                &["film:Qaragym", "film:My Dear"],
                &[],
            ),
            (
                "The film Qoshtasu (Farewell) screens tonight.",
                &["film:Qoshtasu", "film:Farewell"],
                &[],
            ),
        ],
    );
}

#[test]
fn awards_and_festivals_by_shape() {
    check(
        patterns_only(),
        &[
            ("She won Best Actress in a Supporting Role at the Tallinn Black Nights Film Festival.", &["award:Best Actress in a Supporting Role", "festival:Tallinn Black Nights Film Festival"], &[]),
            ("It took the NETPAC Award and the Audience Award.", &["award:NETPAC Award", "award:Audience Award"], &[]),
            ("The 12th Shanghai International Film Festival opens.", &["festival:Shanghai International Film Festival"], &["festival:12th Shanghai International Film Festival"]),
            ("Nominees for the 2nd Turan Film Awards were named.", &["festival:Turan Film Awards"], &[]),
            ("It received a special award and top honors.", &[], &["award:special award", "award:top honors"]),
            ("It won the “Best Debut” award.", &["award:Best Debut"], &["award:Best Debut” award"]),
        ],
    );
}

#[test]
fn negative_knowledge_and_sentence_starts() {
    check(
        full(),
        &[
            (
                "Kazakhfilm and Lenfilm co-produced it; KinoPark and Netflix will show it.",
                &[],
                &[
                    "person:Kazakhfilm",
                    "film:Kazakhfilm",
                    "person:Lenfilm",
                    "person:KinoPark",
                    "film:Netflix",
                    "person:Netflix",
                ],
            ),
            (
                "Kazakh director Adilkhan Yerzhanov spoke.",
                &["person:Adilkhan Yerzhanov"],
                &["person:Kazakh"],
            ),
            (
                "Showcases Kazakh Female Filmmaking Projects on Social Topics",
                &[],
                &["person:Showcases Kazakh"],
            ),
            (
                "Almaty Showcases New Films",
                &[],
                &["person:Almaty Showcases", "film:New Films"],
            ),
            (
                "A year later the Gerasimov Institute of Cinematography opened.",
                &[],
                &["person:Gerasimov"],
            ),
        ],
    );
}

#[test]
fn gazetteer_knowledge_with_aliases() {
    check(
        full(),
        &[
            (
                "Akan Sataev's Racketeer was a hit.",
                &["person:Akan Sataev"],
                &[],
            ),
            (
                "It premiered at the Berlinale before Cannes.",
                &["festival:Berlinale"],
                &[],
            ),
            ("The Palme d'Or went elsewhere.", &["award:Palme d'Or"], &[]),
        ],
    );
}

#[test]
fn in_document_resolution_and_ids() {
    let rec = run(
        full(),
        "Director Zhanna Issabayeva's film “Nagima” won. Issabayeva said Nagima was hard. “Nagima” screens in Berlin.",
    );
    let ids: Vec<(&str, &str)> = rec
        .entities
        .iter()
        .map(|e| (e.text.as_str(), e.id.as_str()))
        .collect();
    assert!(
        ids.contains(&("Zhanna Issabayeva", "person:zhanna-issabayeva")),
        "{ids:?}"
    );
    assert!(
        ids.contains(&("Issabayeva", "person:zhanna-issabayeva")),
        "{ids:?}"
    );
    let films: Vec<&str> = rec
        .entities
        .iter()
        .filter(|e| e.ty.as_str() == "film")
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(films.len(), 3, "{films:?}");
    let person = rec
        .resolved
        .iter()
        .find(|r| r.id == "person:zhanna-issabayeva")
        .unwrap();
    assert_eq!(person.name, "Zhanna Issabayeva");
    assert_eq!(person.mentions.len(), 2);
    let film = rec
        .resolved
        .iter()
        .find(|r| r.ty.as_str() == "film")
        .unwrap();
    assert_eq!(film.mentions.len(), 3);
}

#[test]
fn alternate_titles_share_the_film_id() {
    let rec = run(patterns_only(), "The documentary Qash (Run) was nominated.");
    let films: Vec<(&str, &str)> = rec
        .entities
        .iter()
        .filter(|e| e.ty.as_str() == "film")
        .map(|e| (e.text.as_str(), e.id.as_str()))
        .collect();
    assert_eq!(films, vec![("Qash", "film:qash"), ("Run", "film:qash")]);
}

#[test]
fn a_name_that_is_film_and_person_is_typed_per_mention() {
    check(
        patterns_only(),
        &[(
            "The film Ayzhan Tolkyn won the Audience Award. The story of Ayzhan Tolkyn, a poet, moved viewers. Ayzhan Tolkyn’s birth is celebrated in May.",
            &["film:Ayzhan Tolkyn", "person:Ayzhan Tolkyn"],
            &[],
        )],
    );
    let rec = run(
        patterns_only(),
        "The film Ayzhan Tolkyn won the Audience Award. The story of Ayzhan Tolkyn, a poet, moved viewers.",
    );
    let types: Vec<&str> = rec
        .entities
        .iter()
        .filter(|e| e.text == "Ayzhan Tolkyn")
        .map(|e| e.ty.as_str())
        .collect();
    assert_eq!(types, vec!["film", "person"]);
}

#[test]
fn tables_whose_header_names_the_columns() {
    check(
        patterns_only(),
        &[
            (
                "Title | Director | Year\nSheker Tuz | Ruslan Akun | 2019\nKara Suu | Aibek Daiyrbekov, Elnura Osmonalieva | 2021\n",
                &["film:Sheker Tuz", "person:Ruslan Akun", "film:Kara Suu", "person:Aibek Daiyrbekov", "person:Elnura Osmonalieva"],
                &["film:Title", "person:Director"],
            ),
            (
                "Title\tDirector\r\nBoz Salkyn\tErnest Abdyjaparov\r\nJashtyk\tTemir Birnazarov",
                &["film:Boz Salkyn", "person:Ernest Abdyjaparov", "film:Jashtyk", "person:Temir Birnazarov"],
                &[],
            ),
            // A line without separators ends the table; a row with another
            // number of cells is no row of it.
            (
                "Film | Director\nTashtar | Bakyt Mamytov\nThe list ends here.\nOrozbek | Nurlan Abdykadyrov\n",
                &["film:Tashtar", "person:Bakyt Mamytov"],
                &["film:Orozbek"],
            ),
            (
                "Film | Director\nTashtar | Bakyt Mamytov | 2004\nOrozbek | Nurlan Abdykadyrov\n",
                &[],
                &["film:Tashtar", "film:Orozbek"],
            ),
            // Pipes and tabs do not mix.
            (
                "Film | Director\nTashtar\tBakyt Mamytov\n",
                &[],
                &["film:Tashtar"],
            ),
        ],
    );
}
