//! Training the article classifier: logistic regression by FTRL-Proximal
//! (McMahan et al., 2013: per-feature learning rates, L1 for a sparse model
//! that stays readable, L2 for stability) over named features,
//! cross-validated, with the decision threshold chosen on out-of-fold scores. Pure functions over feature lists; reading
//! corpora and writing the model file belong to the caller.

use std::collections::{BTreeMap, HashMap};

/// One labelled article: its features (name, value) and whether it is news
/// of an in-scope incident.
pub struct Example {
    pub features: Vec<(String, f32)>,
    pub positive: bool,
}

/// Settings, with defaults that suit a few thousand news articles.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// A feature must occur in at least this many training articles.
    pub min_df: usize,
    pub epochs: usize,
    pub learning_rate: f32,
    /// L1 penalty: features that don't earn this much stay at zero.
    pub l1: f32,
    /// L2 penalty.
    pub l2: f32,
    /// Weights smaller than this are left out of the model file.
    pub prune: f32,
    pub folds: usize,
    /// Share of news articles the chosen threshold must keep (out of fold).
    pub target_recall: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            min_df: 3,
            epochs: 20,
            learning_rate: 0.1,
            l1: 6.0,
            l2: 1.0,
            prune: 1e-6,
            folds: 5,
            target_recall: 0.99,
        }
    }
}

/// A trained model as data: bias, threshold and named weights.
pub struct Trained {
    pub bias: f32,
    pub threshold: f32,
    pub weights: Vec<(String, f32)>,
}

/// Precision and recall of one decision rule over labelled scores.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quality {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub positives: usize,
    pub examples: usize,
}

/// Cross-validated quality of the whole recipe (including the threshold
/// choice), and the model trained on every example.
pub struct Report {
    pub cross_validated: Quality,
    pub cv_threshold: f32,
    pub model: Trained,
}

pub fn run(examples: &[Example], s: Settings) -> Report {
    let folds = s.folds.max(2);
    let mut oof: Vec<(f32, bool)> = Vec::with_capacity(examples.len());
    for k in 0..folds {
        let train: Vec<&Example> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != k)
            .map(|(_, e)| e)
            .collect();
        let m = fit(&train, s);
        for (_, e) in examples.iter().enumerate().filter(|(i, _)| i % folds == k) {
            oof.push((predict(&m, &e.features), e.positive));
        }
    }
    let cv_threshold = best_threshold(&oof, s.target_recall);
    let cross_validated = quality(&oof, cv_threshold);
    let all: Vec<&Example> = examples.iter().collect();
    let mut model = fit(&all, s);
    model.threshold = cv_threshold;
    model.weights.retain(|(_, w)| w.abs() >= s.prune);
    Report {
        cross_validated,
        cv_threshold,
        model,
    }
}

fn fit(examples: &[&Example], s: Settings) -> Trained {
    let mut df: HashMap<&str, usize> = HashMap::new();
    for e in examples {
        for (f, _) in &e.features {
            *df.entry(f.as_str()).or_insert(0) += 1;
        }
    }
    let mut names: Vec<&str> = df
        .into_iter()
        .filter(|(_, n)| *n >= s.min_df)
        .map(|(f, _)| f)
        .collect();
    names.sort_unstable();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let rows: Vec<(Vec<(usize, f32)>, f32)> = examples
        .iter()
        .map(|e| {
            let x = e
                .features
                .iter()
                .filter_map(|(f, v)| index.get(f.as_str()).map(|&i| (i, *v)))
                .collect();
            (x, if e.positive { 1.0 } else { 0.0 })
        })
        .collect();
    let (w, bias) = ftrl(&rows, names.len(), s);
    Trained {
        bias,
        threshold: 0.5,
        weights: names.iter().map(|f| f.to_string()).zip(w).collect(),
    }
}

/// FTRL-Proximal, examples in a fixed shuffled order per epoch
/// (deterministic: the same data gives the same model file).
fn ftrl(rows: &[(Vec<(usize, f32)>, f32)], dim: usize, s: Settings) -> (Vec<f32>, f32) {
    const BETA: f32 = 1.0;
    let (alpha, l1, l2) = (s.learning_rate, s.l1, s.l2);
    // Index `dim` is the intercept, never penalised.
    let mut z = vec![0f32; dim + 1];
    let mut n = vec![0f32; dim + 1];
    let weight = |z: f32, n: f32, penalised: bool| -> f32 {
        let (l1, l2) = if penalised { (l1, l2) } else { (0.0, 0.0) };
        if z.abs() <= l1 {
            0.0
        } else {
            -(z - z.signum() * l1) / ((BETA + n.sqrt()) / alpha + l2)
        }
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..s.epochs {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &r in &order {
            let (x, y) = &rows[r];
            let terms = x
                .iter()
                .map(|&(i, v)| (i, v, true))
                .chain([(dim, 1.0, false)]);
            let w: Vec<(usize, f32, f32, bool)> = terms
                .map(|(i, v, pen)| (i, v, weight(z[i], n[i], pen), pen))
                .collect();
            let p = sigmoid(w.iter().map(|(_, v, wi, _)| wi * v).sum::<f32>());
            let err = p - y;
            for (i, v, wi, _) in w {
                let g = err * v;
                let sigma = ((n[i] + g * g).sqrt() - n[i].sqrt()) / alpha;
                z[i] += g - sigma * wi;
                n[i] += g * g;
            }
        }
    }
    let ws = (0..dim).map(|i| weight(z[i], n[i], true)).collect();
    (ws, weight(z[dim], n[dim], false))
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Score an article's named features with a trained model.
pub fn predict(m: &Trained, features: &[(String, f32)]) -> f32 {
    // Models are small; a map per call keeps this simple for training-time use.
    let w: BTreeMap<&str, f32> = m.weights.iter().map(|(f, w)| (f.as_str(), *w)).collect();
    let z = m.bias
        + features
            .iter()
            .map(|(f, v)| w.get(f.as_str()).copied().unwrap_or(0.0) * v)
            .sum::<f32>();
    sigmoid(z)
}

pub fn quality(scored: &[(f32, bool)], threshold: f32) -> Quality {
    let tp = scored.iter().filter(|(p, y)| *y && *p >= threshold).count();
    let fp = scored
        .iter()
        .filter(|(p, y)| !*y && *p >= threshold)
        .count();
    let positives = scored.iter().filter(|(_, y)| *y).count();
    let precision = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let recall = if positives == 0 {
        1.0
    } else {
        tp as f64 / positives as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Quality {
        precision,
        recall,
        f1,
        positives,
        examples: scored.len(),
    }
}

/// The highest threshold that keeps `target_recall` of the news articles
/// on out-of-fold scores. The classifier is a filter in front of the
/// passage rules: an article it drops loses every incident in it, while a
/// false article it lets through can still be stopped by a rule.
fn best_threshold(scored: &[(f32, bool)], target_recall: f64) -> f32 {
    let steps = (1..1000).map(|k| k as f32 / 1000.0);
    let mut best = 0.001;
    for t in steps {
        if quality(scored, t).recall >= target_recall {
            best = t;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(words: &[&str], positive: bool) -> Example {
        Example {
            features: words.iter().map(|w| (format!("w:{w}"), 1.0)).collect(),
            positive,
        }
    }

    #[test]
    fn learns_a_separable_vocabulary() {
        let mut examples = Vec::new();
        for i in 0..40 {
            examples.push(ex(&["militants", "attacked", "police"], true));
            examples.push(ex(
                &["cricket", "match", if i % 2 == 0 { "won" } else { "lost" }],
                false,
            ));
        }
        let r = run(&examples, Settings::default());
        assert!(r.cross_validated.f1 > 0.95, "{:?}", r.cross_validated);
        let p = predict(
            &r.model,
            &ex(&["militants", "attacked", "police"], true).features,
        );
        let n = predict(&r.model, &ex(&["cricket", "won"], false).features);
        assert!(p >= r.model.threshold && n < r.model.threshold, "{p} {n}");
    }

    #[test]
    fn quality_counts_hits_and_misses() {
        let q = quality(&[(0.9, true), (0.8, false), (0.2, true), (0.1, false)], 0.5);
        assert_eq!(q.precision, 0.5);
        assert_eq!(q.recall, 0.5);
    }
}
