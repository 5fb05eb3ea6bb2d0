//! Evaluation against gold annotations.
//!
//! Takes gold files (JSON like `samples/gold/*.json`: `doc`, `noise`,
//! `entities` with byte spans and date `value`s) and predicted records;
//! gives per-type counts with precision, recall and F1, strict (same type
//! and span) and lenient (same type, overlapping, each gold and predicted
//! mention used once), date value accuracy over strict date matches, and
//! noise byte precision, recall and F1. Documents are paired by `doc`; a
//! gold document with no prediction counts as all missed.

use crate::error::Error;
use crate::record::Record;
use crate::span::{EntityType, Noise};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
pub struct GoldEntity {
    #[serde(rename = "type")]
    pub ty: EntityType,
    pub start: usize,
    pub end: usize,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub value: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldDoc {
    pub doc: String,
    #[serde(default)]
    pub noise: Vec<Noise>,
    pub entities: Vec<GoldEntity>,
}

/// Reads every `*.json` gold file in `dir`, sorted by name.
pub fn load_gold(dir: &Path) -> Result<Vec<GoldDoc>, Error> {
    let rd = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<_> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(Error::Gold {
            path: dir.to_path_buf(),
            message: "no *.json gold files".into(),
        });
    }
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|source| Error::Io {
                path: p.clone(),
                source,
            })?;
            serde_json::from_str(&text).map_err(|e| Error::Gold {
                path: p.clone(),
                message: format!("line {}: {e}", e.line()),
            })
        })
        .collect()
}

/// Counts and scores for one entity type (or all together).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Score {
    pub gold: usize,
    pub pred: usize,
    pub strict_tp: usize,
    pub lenient_tp: usize,
    pub strict_p: f64,
    pub strict_r: f64,
    pub strict_f1: f64,
    pub lenient_p: f64,
    pub lenient_r: f64,
    pub lenient_f1: f64,
}

fn prf(tp: usize, pred: usize, gold: usize) -> (f64, f64, f64) {
    let p = if pred == 0 {
        if gold == 0 {
            1.0
        } else {
            0.0
        }
    } else {
        tp as f64 / pred as f64
    };
    let r = if gold == 0 {
        1.0
    } else {
        tp as f64 / gold as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

impl Score {
    fn finish(&mut self) {
        (self.strict_p, self.strict_r, self.strict_f1) = prf(self.strict_tp, self.pred, self.gold);
        (self.lenient_p, self.lenient_r, self.lenient_f1) =
            prf(self.lenient_tp, self.pred, self.gold);
    }
}

/// The whole evaluation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub documents: usize,
    pub missing: Vec<String>,
    pub by_type: BTreeMap<String, Score>,
    pub overall: Score,
    pub date_value_matches: usize,
    pub date_value_total: usize,
    pub date_value_accuracy: f64,
    pub noise_gold_bytes: usize,
    pub noise_pred_bytes: usize,
    pub noise_tp_bytes: usize,
    pub noise_p: f64,
    pub noise_r: f64,
    pub noise_f1: f64,
    /// Per document: strict F1 over all types.
    pub per_doc: BTreeMap<String, f64>,
}

/// Scores `pred` against `gold`.
pub fn evaluate(gold: &[GoldDoc], pred: &[Record]) -> Report {
    let by_doc: BTreeMap<&str, &Record> = pred.iter().map(|r| (r.doc.as_str(), r)).collect();
    let mut rep = Report::default();
    let mut scores: BTreeMap<EntityType, Score> = EntityType::ALL
        .iter()
        .map(|&t| (t, Score::default()))
        .collect();
    for g in gold {
        rep.documents += 1;
        let rec = by_doc.get(g.doc.as_str());
        if rec.is_none() {
            rep.missing.push(g.doc.clone());
        }
        let preds: Vec<(EntityType, usize, usize, Option<&str>)> = rec
            .map(|r| {
                r.entities
                    .iter()
                    .map(|e| (e.ty, e.start, e.end, e.value.as_deref()))
                    .collect()
            })
            .unwrap_or_default();
        let mut doc_score = Score::default();
        for &ty in &EntityType::ALL {
            let gs: Vec<&GoldEntity> = g.entities.iter().filter(|e| e.ty == ty).collect();
            let ps: Vec<_> = preds.iter().filter(|p| p.0 == ty).collect();
            let s = scores.entry(ty).or_default();
            s.gold += gs.len();
            s.pred += ps.len();
            doc_score.gold += gs.len();
            doc_score.pred += ps.len();
            for ge in &gs {
                if let Some(p) = ps.iter().find(|p| p.1 == ge.start && p.2 == ge.end) {
                    s.strict_tp += 1;
                    doc_score.strict_tp += 1;
                    if ty == EntityType::Date {
                        rep.date_value_total += 1;
                        if p.3 == ge.value.as_deref() {
                            rep.date_value_matches += 1;
                        }
                    }
                }
            }
            // Lenient: one-to-one, overlapping, greedy in order.
            let mut used = vec![false; ps.len()];
            for ge in &gs {
                if let Some(k) =
                    (0..ps.len()).find(|&k| !used[k] && ps[k].1 < ge.end && ge.start < ps[k].2)
                {
                    used[k] = true;
                    s.lenient_tp += 1;
                }
            }
        }
        doc_score.finish();
        rep.per_doc.insert(g.doc.clone(), doc_score.strict_f1);
        // Noise bytes, whatever the kind.
        let pred_noise: &[Noise] = rec.map_or(&[], |r| r.noise.as_slice());
        let gb = covered(&g.noise);
        let pb = covered(pred_noise);
        rep.noise_gold_bytes += total(&gb);
        rep.noise_pred_bytes += total(&pb);
        rep.noise_tp_bytes += intersect(&gb, &pb);
    }
    let mut overall = Score::default();
    for (ty, mut s) in scores {
        s.finish();
        overall.gold += s.gold;
        overall.pred += s.pred;
        overall.strict_tp += s.strict_tp;
        overall.lenient_tp += s.lenient_tp;
        rep.by_type.insert(ty.as_str().to_string(), s);
    }
    overall.finish();
    rep.overall = overall;
    rep.date_value_accuracy = if rep.date_value_total == 0 {
        1.0
    } else {
        rep.date_value_matches as f64 / rep.date_value_total as f64
    };
    (rep.noise_p, rep.noise_r, rep.noise_f1) = prf(
        rep.noise_tp_bytes,
        rep.noise_pred_bytes,
        rep.noise_gold_bytes,
    );
    rep
}

/// The mismatches, one line each: `doc\tmissed|spurious|value\ttype\tstart-end\ttext`,
/// for regression work.
pub fn errors(gold: &[GoldDoc], pred: &[Record]) -> Vec<String> {
    let by_doc: BTreeMap<&str, &Record> = pred.iter().map(|r| (r.doc.as_str(), r)).collect();
    let mut out = Vec::new();
    for g in gold {
        let ents = by_doc
            .get(g.doc.as_str())
            .map_or(&[][..], |r| r.entities.as_slice());
        for ge in &g.entities {
            match ents
                .iter()
                .find(|p| p.ty == ge.ty && p.start == ge.start && p.end == ge.end)
            {
                None => out.push(format!(
                    "{}\tmissed\t{}\t{}-{}\t{}",
                    g.doc, ge.ty, ge.start, ge.end, ge.text
                )),
                Some(p) if ge.ty == EntityType::Date && p.value != ge.value => out.push(format!(
                    "{}\tvalue\t{}\t{}-{}\t{}\tgold {:?} pred {:?}",
                    g.doc, ge.ty, ge.start, ge.end, ge.text, ge.value, p.value
                )),
                Some(_) => {}
            }
        }
        for p in ents {
            if !g
                .entities
                .iter()
                .any(|ge| p.ty == ge.ty && p.start == ge.start && p.end == ge.end)
            {
                out.push(format!(
                    "{}\tspurious\t{}\t{}-{}\t{}\t{}",
                    g.doc, p.ty, p.start, p.end, p.text, p.source
                ));
            }
        }
    }
    out
}

/// Merged byte ranges of a noise list.
fn covered(noise: &[Noise]) -> Vec<(usize, usize)> {
    let mut v: Vec<(usize, usize)> = noise
        .iter()
        .map(|n| (n.start, n.end))
        .filter(|r| r.0 < r.1)
        .collect();
    v.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(l) if s <= l.1 => l.1 = l.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn total(v: &[(usize, usize)]) -> usize {
    v.iter().map(|r| r.1 - r.0).sum()
}

fn intersect(a: &[(usize, usize)], b: &[(usize, usize)]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let s = a[i].0.max(b[j].0);
        let e = a[i].1.min(b[j].1);
        if s < e {
            n += e - s;
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    n
}

impl Report {
    /// Types whose strict F1 is below `min` (types seen in gold or predictions).
    pub fn below(&self, min: f64) -> Vec<String> {
        self.by_type
            .iter()
            .filter(|(_, s)| (s.gold > 0 || s.pred > 0) && s.strict_f1 < min)
            .map(|(t, s)| format!("{t} {:.3}", s.strict_f1))
            .collect()
    }

    /// A plain-text table.
    pub fn table(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<9} {:>5} {:>5} | {:>6} {:>6} {:>6} | {:>6} {:>6} {:>6}",
            "type", "gold", "pred", "P", "R", "F1", "lenP", "lenR", "lenF1"
        );
        let row = |s: &mut String, name: &str, x: &Score| {
            let _ = writeln!(
                s,
                "{:<9} {:>5} {:>5} | {:>6.3} {:>6.3} {:>6.3} | {:>6.3} {:>6.3} {:>6.3}",
                name,
                x.gold,
                x.pred,
                x.strict_p,
                x.strict_r,
                x.strict_f1,
                x.lenient_p,
                x.lenient_r,
                x.lenient_f1
            );
        };
        for (t, x) in &self.by_type {
            row(&mut s, t, x);
        }
        row(&mut s, "overall", &self.overall);
        let _ = writeln!(
            s,
            "date values: {}/{} = {:.3} (over strict date matches)",
            self.date_value_matches, self.date_value_total, self.date_value_accuracy
        );
        let _ = writeln!(
            s,
            "noise bytes: gold {} pred {} | P {:.3} R {:.3} F1 {:.3}",
            self.noise_gold_bytes, self.noise_pred_bytes, self.noise_p, self.noise_r, self.noise_f1
        );
        let _ = writeln!(s, "documents: {}", self.documents);
        if !self.missing.is_empty() {
            let _ = writeln!(s, "no prediction for: {}", self.missing.join(", "));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Entity;

    fn ent(ty: EntityType, start: usize, end: usize, value: Option<&str>) -> Entity {
        Entity {
            ty,
            text: "x".into(),
            start,
            end,
            char_start: start,
            char_end: end,
            sentence: 0,
            source: "pattern:t".into(),
            value: value.map(String::from),
            id: "film:x".into(),
        }
    }

    #[test]
    fn strict_lenient_values_and_noise() {
        let gold = vec![GoldDoc {
            doc: "a.txt".into(),
            noise: vec![Noise {
                start: 0,
                end: 10,
                kind: crate::span::NoiseKind::Ticker,
            }],
            entities: vec![
                GoldEntity {
                    ty: EntityType::Film,
                    start: 20,
                    end: 25,
                    text: String::new(),
                    value: None,
                },
                GoldEntity {
                    ty: EntityType::Date,
                    start: 30,
                    end: 34,
                    text: String::new(),
                    value: Some("1939".into()),
                },
                GoldEntity {
                    ty: EntityType::Person,
                    start: 40,
                    end: 50,
                    text: String::new(),
                    value: None,
                },
            ],
        }];
        let rec = Record {
            doc: "a.txt".into(),
            bytes: 60,
            date: None,
            date_source: None,
            noise: vec![Noise {
                start: 5,
                end: 15,
                kind: crate::span::NoiseKind::Ticker,
            }],
            sentences: vec![],
            entities: vec![
                ent(EntityType::Film, 20, 25, None),
                ent(EntityType::Date, 30, 34, Some("1940")),
                ent(EntityType::Person, 40, 45, None),
                ent(EntityType::Award, 52, 55, None),
            ],
            resolved: vec![],
        };
        let r = evaluate(&gold, &[rec]);
        assert_eq!(r.by_type["film"].strict_tp, 1);
        assert_eq!(r.by_type["person"].strict_tp, 0);
        assert_eq!(r.by_type["person"].lenient_tp, 1);
        assert_eq!(r.by_type["award"].pred, 1);
        assert_eq!((r.date_value_matches, r.date_value_total), (0, 1));
        assert_eq!(
            (r.noise_tp_bytes, r.noise_gold_bytes, r.noise_pred_bytes),
            (5, 10, 10)
        );
        assert!((r.overall.strict_f1 - 2.0 * 0.5 * (2.0 / 3.0) / (0.5 + 2.0 / 3.0)).abs() < 1e-9);
        assert_eq!(
            r.below(0.9),
            vec!["award 0.000".to_string(), "person 0.000".to_string()]
        );
    }

    #[test]
    fn missing_prediction_counts_as_misses() {
        let gold = vec![GoldDoc {
            doc: "b.txt".into(),
            noise: vec![],
            entities: vec![GoldEntity {
                ty: EntityType::Film,
                start: 0,
                end: 1,
                text: String::new(),
                value: None,
            }],
        }];
        let r = evaluate(&gold, &[]);
        assert_eq!(r.missing, vec!["b.txt".to_string()]);
        assert_eq!(r.by_type["film"].strict_r, 0.0);
    }
}
