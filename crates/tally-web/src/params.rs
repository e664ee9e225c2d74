//! Query parameters: parsed and checked, every mistake a 400 with a message.

use crate::auth::percent_decode;
use crate::ApiError;
use std::collections::BTreeMap;
use tally_model::{EventType, IncidentDate};
use tally_store::{Column, Filter, Sort, SortKey, Store};
use utoipa::IntoParams;

/// The filters as the OpenAPI document states them ([`Params`] parses
/// them; a test checks the two name the same keys).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a schema only
pub struct Filters {
    /// From this date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    #[param(pattern = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]
    since: Option<String>,
    /// Up to this date, inclusive (`2024-05` covers all of May).
    #[param(pattern = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]
    until: Option<String>,
    /// A province some incident has (any case): see `/api/options`.
    province: Option<String>,
    /// A district some incident has (any case).
    district: Option<String>,
    /// A group some incident has (any case).
    group: Option<String>,
    /// An event type: `bombing`, `suicide_bombing`, ... (spaces and hyphens accepted).
    #[param(rename = "type")]
    event_type: Option<String>,
    /// At least this many killed (best estimate).
    #[param(minimum = 0, maximum = 4294967295_u64)]
    min_killed: Option<u32>,
}

/// The paging of `/api/incidents`, as documented.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // a schema only
pub struct Paging {
    /// Rows a page (default 500).
    #[param(minimum = 1, maximum = 10000)]
    limit: Option<usize>,
    /// Rows skipped (default 0).
    offset: Option<usize>,
    /// `date`, `killed`, `injured`, `province`, `district`, `group`,
    /// `type`, `articles` or `id`; prefix `-` for descending.
    sort: Option<String>,
}

/// Parameters every filtered endpoint accepts.
pub(crate) const FILTER_KEYS: [&str; 8] = [
    "since",
    "until",
    "province",
    "district",
    "group",
    "type",
    "min_killed",
    "token",
];
/// Extra parameters of `/api/incidents`.
pub(crate) const PAGE_KEYS: [&str; 3] = ["limit", "offset", "sort"];
/// Largest page of `/api/incidents`.
pub const MAX_LIMIT: usize = 10_000;
const DEFAULT_LIMIT: usize = 500;

/// The decoded query string; empty values count as absent.
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// Decode `a=1&b=2`; a repeated key is a 400.
    pub fn parse(raw: Option<&str>) -> Result<Params, ApiError> {
        let mut map = BTreeMap::new();
        for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (percent_decode(k), percent_decode(v));
            if v.trim().is_empty() {
                continue;
            }
            if map.insert(k.clone(), v.trim().to_string()).is_some() {
                return Err(ApiError::bad_request(format!(
                    "parameter {k:?} given twice"
                )));
            }
        }
        Ok(Params(map))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// Refuse parameters outside `filters` (+ paging when `paged`).
    pub fn only(&self, paged: bool) -> Result<(), ApiError> {
        let known = |k: &str| FILTER_KEYS.contains(&k) || (paged && PAGE_KEYS.contains(&k));
        match self.0.keys().find(|k| !known(k)) {
            Some(k) => {
                let mut valid: Vec<&str> = FILTER_KEYS.to_vec();
                if paged {
                    valid.extend(PAGE_KEYS);
                }
                Err(ApiError::bad_request(format!(
                    "unknown parameter {k:?} (valid: {})",
                    valid.join(", ")
                )))
            }
            None => Ok(()),
        }
    }

    /// The store filter, with text values checked against the database.
    pub fn filter(&self, store: &Store) -> Result<Filter, ApiError> {
        Ok(Filter {
            since: self.date("since")?,
            until: self.date("until")?,
            admin1: self.known("province", Column::Admin1, store)?,
            admin2: self.known("district", Column::Admin2, store)?,
            group: self.known("group", Column::Group, store)?,
            event_type: self.event_type()?,
            min_killed: self.number::<u32>("min_killed")?,
            needs_review: false,
        })
    }

    fn date(&self, key: &str) -> Result<Option<IncidentDate>, ApiError> {
        let Some(s) = self.get(key) else {
            return Ok(None);
        };
        IncidentDate::parse(s).map(Some).ok_or_else(|| {
            ApiError::bad_request(format!(
                "{key}={s:?} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
            ))
        })
    }

    /// A value present in the column (any case), returned as stored.
    fn known(&self, key: &str, column: Column, store: &Store) -> Result<Option<String>, ApiError> {
        let Some(given) = self.get(key) else {
            return Ok(None);
        };
        if let Some(stored) = store.stored_value(column, given)? {
            return Ok(Some(stored));
        }
        // Only a mistake pays for listing every value.
        let valid = store.choices(column)?;
        Err(ApiError::bad_request(format!(
            "no incident has {key} {given:?} (known: {})",
            valid.join(", ")
        )))
    }

    fn event_type(&self) -> Result<Option<EventType>, ApiError> {
        let Some(s) = self.get("type") else {
            return Ok(None);
        };
        let norm = s.to_lowercase().replace([' ', '-'], "_");
        match EventType::parse(&norm) {
            Some(t) => Ok(Some(t)),
            None => {
                let names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
                Err(ApiError::bad_request(format!(
                    "unknown type {s:?} (valid: {})",
                    names.join(", ")
                )))
            }
        }
    }

    fn number<T: std::str::FromStr>(&self, key: &str) -> Result<Option<T>, ApiError> {
        let Some(s) = self.get(key) else {
            return Ok(None);
        };
        s.parse().map(Some).map_err(|_| {
            ApiError::bad_request(format!("{key}={s:?} is not a non-negative whole number"))
        })
    }

    /// Page of `/api/incidents`: limit (1..=MAX_LIMIT), offset, sort.
    pub fn page(&self) -> Result<Page, ApiError> {
        let limit = self.number::<usize>("limit")?.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "limit={limit} is out of range (1 to {MAX_LIMIT})"
            )));
        }
        let offset = self.number::<usize>("offset")?.unwrap_or(0);
        Ok(Page {
            limit,
            offset,
            sort: self.sort()?,
        })
    }

    fn sort(&self) -> Result<Sort, ApiError> {
        let s = self.get("sort").unwrap_or("date");
        let (descending, name) = match s.strip_prefix('-') {
            Some(k) => (true, k),
            None => (false, s),
        };
        match SortKey::parse(name) {
            Some(key) => Ok(Sort { key, descending }),
            None => {
                let names: Vec<&str> = SortKey::ALL.iter().map(|k| k.as_str()).collect();
                Err(ApiError::bad_request(format!(
                    "sort={s:?} is not a sort key (valid: {}; prefix - for descending)",
                    names.join(", ")
                )))
            }
        }
    }
}

/// Which slice of the matching incidents to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
    pub sort: Sort,
}
