//! Schema compatibility (BUNDLE.md §7): the differences between two JSON Schemas
//! of the subset pmth emits, each with the JSON path it is at and its
//! [`Effect`] — whether NEW accepts less than OLD (narrower), more (wider),
//! neither (both ways), or the same values (neutral, cosmetic). The effect is
//! position-free; [`Effect::class`] turns it into a class for an input position
//! (tool `params`, workflow `input`: narrower breaks a caller) or an output
//! position (`returns`, `output`: wider breaks a consumer).
//!
//! The subset: objects (`properties`, `required`, `additionalProperties`
//! false / a schema for maps, `dependentRequired`, `minProperties` /
//! `maxProperties`), arrays (`items`, `minItems`, `maxItems`, `uniqueItems`),
//! scalars with `minimum` / `maximum` / `exclusiveMinimum` / `exclusiveMaximum`,
//! `minLength` / `maxLength`, `pattern`, `format`, `enum` / `const`, unions
//! (`anyOf`, `type: [..]`), `{}` (any value) and the annotations
//! (`description`, `title`, `default`, `$comment`, `examples`). A keyword
//! outside it is compared by the catch-all: added narrows, removed widens,
//! changed is both.
//!
//! Properties follow the contract rather than set inclusion: a property removed
//! breaks in both positions (a caller sends it, a consumer reads it), an
//! optional property added breaks in neither.

use super::Class;
use serde_json::{Map, Value as Json};

// Public Interface

/// Where a schema is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// What a caller sends (tool `params`, workflow `input`, template `params`).
    Input,
    /// What a consumer receives (tool `returns`, workflow and agent `output`).
    Output,
}

/// What one difference does to the set of values a schema accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    /// NEW rejects values OLD accepted (a bound tightened, an enum value removed).
    Narrower,
    /// NEW accepts values OLD rejected (a bound relaxed, a type added).
    Wider,
    /// Both ways, or a contract users rely on in both positions (a property
    /// removed, a pattern changed): breaking wherever it is.
    Both,
    /// Neither: compatible wherever it is (an optional property added, a
    /// default changed).
    Neutral,
    /// Documentation only (`description`, `title`, `examples`).
    Cosmetic,
}

impl Effect {
    /// The class of this effect in a position: narrower breaks an input,
    /// wider breaks an output.
    pub fn class(self, pos: Position) -> Class {
        match (self, pos) {
            (Effect::Both, _)
            | (Effect::Narrower, Position::Input)
            | (Effect::Wider, Position::Output) => Class::Breaking,
            (Effect::Narrower | Effect::Wider | Effect::Neutral, _) => Class::Compatible,
            (Effect::Cosmetic, _) => Class::Cosmetic,
        }
    }

    /// The same difference seen from NEW to OLD.
    pub fn reversed(self) -> Effect {
        match self {
            Effect::Narrower => Effect::Wider,
            Effect::Wider => Effect::Narrower,
            other => other,
        }
    }
}

/// One difference between two schemas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where it is: the caller's root (`params`), then `.property`, `[]` for
    /// list items, `{}` for map values, `#N` for the N-th (1-based) of several
    /// union alternatives of one type.
    pub path: String,
    pub effect: Effect,
    /// What changed, in words: `max lowered from 100 to 50`.
    pub message: String,
}

/// Every difference from `old` to `new`, the root at `path`, in a stable order
/// (by keyword, properties by name).
pub fn compare(old: &Json, new: &Json, path: &str) -> Vec<Change> {
    let mut cx = Cx {
        out: Vec::new(),
        members: Vec::new(),
    };
    cx.schema(old, new, path);
    cx.out
}

/// [`compare`] with each change classified for a position:
/// `(path, class, message)`.
pub fn classify(old: &Json, new: &Json, path: &str, pos: Position) -> Vec<(String, Class, String)> {
    compare(old, new, path)
        .into_iter()
        .map(|c| (c.path, c.effect.class(pos), c.message))
        .collect()
}

// ---- internals ----------------------------------------------------------------------

/// The value types of JSON Schema, as pmth names them in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tag {
    Null,
    Bool,
    Int,
    Num,
    Str,
    List,
    Obj,
}

impl Tag {
    fn from_type(t: &str) -> Option<Tag> {
        Some(match t {
            "null" => Tag::Null,
            "boolean" => Tag::Bool,
            "integer" => Tag::Int,
            "number" => Tag::Num,
            "string" => Tag::Str,
            "array" => Tag::List,
            "object" => Tag::Obj,
            _ => return None,
        })
    }

    fn name(self, map: &Map<String, Json>) -> &'static str {
        match self {
            Tag::Null => "null",
            Tag::Bool => "bool",
            Tag::Int => "int",
            Tag::Num => "float",
            Tag::Str => "string",
            Tag::List => "list",
            Tag::Obj if is_map(map) => "map",
            Tag::Obj => "object",
        }
    }
}

/// A map is an object schema whose other properties are a schema.
fn is_map(map: &Map<String, Json>) -> bool {
    !map.contains_key("properties")
        && matches!(map.get("additionalProperties"), Some(Json::Object(_)))
}

/// One alternative of a schema: a value type and the (sub)schema holding its
/// constraints.
#[derive(Clone, Copy)]
struct Alt<'a> {
    tag: Tag,
    map: &'a Map<String, Json>,
}

/// Annotations: they never change what is accepted.
const COSMETIC: &[&str] = &["description", "title", "examples", "$comment"];
/// Keywords compared by a rule of their own (the rest go to the catch-all).
const HANDLED: &[&str] = &[
    "type",
    "anyOf",
    "enum",
    "const",
    "default",
    "deprecated",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "x-pmth-ref",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
    "dependentRequired",
    "minProperties",
    "maxProperties",
];

static EMPTY: std::sync::LazyLock<Map<String, Json>> = std::sync::LazyLock::new(Map::new);

/// A (sub)schema's identity, for "compared once".
type MapPtr = *const Map<String, Json>;

struct Cx {
    out: Vec<Change>,
    /// Pairs of union members whose own keywords were compared.
    members: Vec<(MapPtr, MapPtr)>,
}

impl Cx {
    fn push(&mut self, path: &str, effect: Effect, message: impl Into<String>) {
        self.out.push(Change {
            path: path.to_owned(),
            effect,
            message: message.into(),
        });
    }

    fn schema(&mut self, old: &Json, new: &Json, path: &str) {
        if old == new {
            return;
        }
        let (om, nm) = (as_map(old), as_map(new));
        let (Some(om), Some(nm)) = (om, nm) else {
            // `false` (nothing) or a non-schema: compare as values.
            self.push(
                path,
                Effect::Both,
                format!("schema changed from {} to {}", show(old), show(new)),
            );
            return;
        };
        self.annotations(om, nm, path);
        let union = om.contains_key("anyOf") || nm.contains_key("anyOf");
        if !union {
            self.constraints(om, nm, path);
        }
        let (oa, na) = (alternatives(om), alternatives(nm));
        match (oa.is_empty(), na.is_empty()) {
            (true, true) => {}
            (true, false) => self.push(
                path,
                Effect::Narrower,
                format!("type narrowed from any value to {}", names(&na)),
            ),
            (false, true) => self.push(
                path,
                Effect::Wider,
                format!("type widened from {} to any value", names(&oa)),
            ),
            (false, false) => self.alternatives(&oa, &na, path, union),
        }
    }

    /// Annotations, `default` and `deprecated` of one (sub)schema.
    fn annotations(&mut self, om: &Map<String, Json>, nm: &Map<String, Json>, path: &str) {
        for key in COSMETIC {
            if om.get(*key) != nm.get(*key) {
                let what = match (om.get(*key), nm.get(*key)) {
                    (None, Some(_)) => "added",
                    (Some(_), None) => "removed",
                    _ => "changed",
                };
                self.push(path, Effect::Cosmetic, format!("{key} {what}"));
            }
        }
        for key in ["default", "deprecated"] {
            match (om.get(key), nm.get(key)) {
                (a, b) if a == b => {}
                (None, Some(b)) => {
                    self.push(path, Effect::Neutral, format!("{key} {} added", show(b)))
                }
                (Some(a), None) => {
                    self.push(path, Effect::Neutral, format!("{key} {} removed", show(a)))
                }
                (Some(a), Some(b)) => self.push(
                    path,
                    Effect::Neutral,
                    format!("{key} changed from {} to {}", show(a), show(b)),
                ),
                _ => {}
            }
        }
    }

    /// `enum`/`const` and unknown keywords of one (sub)schema: for a union,
    /// of each pair of its members.
    fn constraints(&mut self, om: &Map<String, Json>, nm: &Map<String, Json>, path: &str) {
        self.enums(om, nm, path);
        let mut keys: Vec<&String> = om.keys().chain(nm.keys()).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            if HANDLED.contains(&key.as_str()) || COSMETIC.contains(&key.as_str()) {
                continue;
            }
            self.keyword(key, om.get(key), nm.get(key), path);
        }
    }

    /// The catch-all: a keyword constrains, so adding it narrows.
    fn keyword(&mut self, key: &str, old: Option<&Json>, new: Option<&Json>, path: &str) {
        match (old, new) {
            (a, b) if a == b => {}
            (None, Some(b)) => {
                self.push(path, Effect::Narrower, format!("`{key}` {} added", show(b)))
            }
            (Some(a), None) => {
                self.push(path, Effect::Wider, format!("`{key}` {} removed", show(a)))
            }
            (Some(a), Some(b)) => self.push(
                path,
                Effect::Both,
                format!("`{key}` changed from {} to {}", show(a), show(b)),
            ),
            _ => {}
        }
    }

    fn enums(&mut self, om: &Map<String, Json>, nm: &Map<String, Json>, path: &str) {
        let values = |m: &Map<String, Json>| -> Option<Vec<Json>> {
            match (m.get("enum"), m.get("const")) {
                (Some(Json::Array(v)), _) => Some(v.clone()),
                (_, Some(c)) => Some(vec![c.clone()]),
                _ => None,
            }
        };
        match (values(om), values(nm)) {
            (None, None) => {}
            (None, Some(b)) => self.push(
                path,
                Effect::Narrower,
                format!("restricted to the values {}", list(&b)),
            ),
            (Some(a), None) => self.push(
                path,
                Effect::Wider,
                format!("no longer restricted to the values {}", list(&a)),
            ),
            (Some(a), Some(b)) => {
                for v in a.iter().filter(|v| !b.contains(v)) {
                    self.push(
                        path,
                        Effect::Narrower,
                        format!("enum value {} removed", show(v)),
                    );
                }
                for v in b.iter().filter(|v| !a.contains(v)) {
                    self.push(path, Effect::Wider, format!("enum value {} added", show(v)));
                }
            }
        }
    }

    /// Pairs the alternatives of OLD and NEW by type; `int` pairs with `float`
    /// when one side has only the other.
    fn alternatives(&mut self, oa: &[Alt<'_>], na: &[Alt<'_>], path: &str, union: bool) {
        let mut tags: Vec<Tag> = oa.iter().chain(na).map(|a| a.tag).collect();
        tags.sort();
        tags.dedup();
        let of = |alts: &[Alt<'_>], t: Tag| -> usize { alts.iter().filter(|a| a.tag == t).count() };
        let single = oa.len() == 1 && na.len() == 1;
        // int ↔ float: a type widened or narrowed, constraints still compared.
        let mut skip: Vec<Tag> = Vec::new();
        for (from, to, effect, verb) in [
            (Tag::Int, Tag::Num, Effect::Wider, "widened"),
            (Tag::Num, Tag::Int, Effect::Narrower, "narrowed"),
        ] {
            let (Some(o), Some(n)) = (
                oa.iter().find(|a| a.tag == from),
                na.iter().find(|a| a.tag == to),
            ) else {
                continue;
            };
            if of(na, from) == 0 && of(oa, to) == 0 {
                self.push(
                    path,
                    effect,
                    format!(
                        "type {verb} from {} to {}",
                        from.name(o.map),
                        to.name(n.map)
                    ),
                );
                self.pair(*o, *n, path, union);
                skip.push(from);
                skip.push(to);
            }
        }
        if single {
            if let (Some(o), Some(n)) = (oa.first(), na.first()) {
                if o.tag != n.tag && !skip.contains(&o.tag) {
                    self.push(
                        path,
                        Effect::Both,
                        format!(
                            "type changed from {} to {}",
                            o.tag.name(o.map),
                            n.tag.name(n.map)
                        ),
                    );
                    return;
                }
            }
        }
        for t in tags {
            if skip.contains(&t) {
                continue;
            }
            let os: Vec<&Alt<'_>> = oa.iter().filter(|a| a.tag == t).collect();
            let ns: Vec<&Alt<'_>> = na.iter().filter(|a| a.tag == t).collect();
            let several = os.len().max(ns.len()) > 1;
            for i in 0..os.len().max(ns.len()) {
                let at = if several {
                    format!("{path}#{}", i + 1)
                } else {
                    path.to_owned()
                };
                match (os.get(i), ns.get(i)) {
                    (Some(o), Some(n)) => self.pair(**o, **n, &at, union),
                    // `int` values still fit a `float` alternative, and the reverse.
                    (Some(_), None) if t == Tag::Int && of(na, Tag::Num) > 0 => {}
                    (None, Some(_)) if t == Tag::Int && of(oa, Tag::Num) > 0 => {}
                    (Some(o), None) => self.push(
                        &at,
                        Effect::Narrower,
                        format!("type narrowed: {} no longer accepted", t.name(o.map)),
                    ),
                    (None, Some(n)) => self.push(
                        &at,
                        Effect::Wider,
                        format!("type widened: {} now accepted", t.name(n.map)),
                    ),
                    (None, None) => {}
                }
            }
        }
    }

    /// Two alternatives of compatible types.
    fn pair(&mut self, o: Alt<'_>, n: Alt<'_>, path: &str, union: bool) {
        // In a union, each pair of members' own `enum` and other keywords,
        // once per pair.
        let key = (o.map as *const _, n.map as *const _);
        if union && !self.members.contains(&key) {
            self.members.push(key);
            self.constraints(o.map, n.map, path);
        }
        match n.tag {
            Tag::Int | Tag::Num => {
                self.bound(
                    o.map,
                    n.map,
                    path,
                    "min",
                    "minimum",
                    "exclusiveMinimum",
                    true,
                );
                self.bound(
                    o.map,
                    n.map,
                    path,
                    "max",
                    "maximum",
                    "exclusiveMaximum",
                    false,
                );
            }
            Tag::Str => {
                self.count(o.map, n.map, path, "min_len", "minLength", true);
                self.count(o.map, n.map, path, "max_len", "maxLength", false);
                for (key, name) in [("pattern", "pattern"), ("format", "format")] {
                    match (o.map.get(key), n.map.get(key)) {
                        (a, b) if a == b => {}
                        (None, Some(b)) => {
                            self.push(path, Effect::Narrower, format!("{name} {} added", show(b)))
                        }
                        (Some(a), None) => {
                            self.push(path, Effect::Wider, format!("{name} {} removed", show(a)))
                        }
                        (Some(a), Some(b)) => self.push(
                            path,
                            Effect::Both,
                            format!("{name} changed from {} to {}", show(a), show(b)),
                        ),
                        _ => {}
                    }
                }
                if o.map.get("x-pmth-ref") != n.map.get("x-pmth-ref") {
                    let kind = |m: &Map<String, Json>| {
                        m.get("x-pmth-ref")
                            .and_then(Json::as_str)
                            .map_or("string".to_owned(), |k| format!("{k} reference"))
                    };
                    self.push(
                        path,
                        Effect::Both,
                        format!("type changed from {} to {}", kind(o.map), kind(n.map)),
                    );
                }
            }
            Tag::List => {
                self.count(o.map, n.map, path, "min_len", "minItems", true);
                self.count(o.map, n.map, path, "max_len", "maxItems", false);
                let unique =
                    |m: &Map<String, Json>| m.get("uniqueItems") == Some(&Json::Bool(true));
                match (unique(o.map), unique(n.map)) {
                    (false, true) => self.push(path, Effect::Narrower, "items must now be unique"),
                    (true, false) => {
                        self.push(path, Effect::Wider, "items no longer need be unique")
                    }
                    _ => {}
                }
                let any = Json::Object(Map::new());
                let oi = o.map.get("items").unwrap_or(&any);
                let ni = n.map.get("items").unwrap_or(&any);
                self.schema(oi, ni, &format!("{path}[]"));
            }
            Tag::Obj => self.object(o.map, n.map, path),
            Tag::Null | Tag::Bool => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn bound(
        &mut self,
        om: &Map<String, Json>,
        nm: &Map<String, Json>,
        path: &str,
        name: &str,
        inclusive: &str,
        exclusive: &str,
        lower: bool,
    ) {
        let get = |m: &Map<String, Json>| -> Option<(f64, bool, Json)> {
            // The tighter of the two when both are given.
            let inc = m
                .get(inclusive)
                .and_then(|v| Some((v.as_f64()?, false, v.clone())));
            let exc = m
                .get(exclusive)
                .and_then(|v| Some((v.as_f64()?, true, v.clone())));
            match (inc, exc) {
                (Some(i), Some(e)) => {
                    let e_tighter = if lower { e.0 >= i.0 } else { e.0 <= i.0 };
                    Some(if e_tighter { e } else { i })
                }
                (a, b) => a.or(b),
            }
        };
        let label = |b: &(f64, bool, Json)| {
            if b.1 {
                format!("exclusive {name} {}", show(&b.2))
            } else {
                format!("{name} {}", show(&b.2))
            }
        };
        match (get(om), get(nm)) {
            (None, None) => {}
            (None, Some(b)) => self.push(path, Effect::Narrower, format!("{} added", label(&b))),
            (Some(a), None) => self.push(path, Effect::Wider, format!("{} removed", label(&a))),
            (Some(a), Some(b)) => {
                if a.0 == b.0 && a.1 == b.1 {
                    return;
                }
                // `tighter`: NEW accepts less at this end.
                let tighter = if lower {
                    b.0 > a.0 || (b.0 == a.0 && b.1)
                } else {
                    b.0 < a.0 || (b.0 == a.0 && b.1)
                };
                let verb = if b.0 > a.0 {
                    "raised"
                } else if b.0 < a.0 {
                    "lowered"
                } else {
                    "changed"
                };
                let message = if a.1 == b.1 {
                    let which = if a.1 {
                        format!("exclusive {name}")
                    } else {
                        name.to_owned()
                    };
                    format!("{which} {verb} from {} to {}", show(&a.2), show(&b.2))
                } else {
                    format!("{} changed to {}", label(&a), label(&b))
                };
                let effect = if tighter {
                    Effect::Narrower
                } else {
                    Effect::Wider
                };
                self.push(path, effect, message);
            }
        }
    }

    /// `minLength`-like counts: `lower` when it is a lower bound.
    fn count(
        &mut self,
        om: &Map<String, Json>,
        nm: &Map<String, Json>,
        path: &str,
        name: &str,
        key: &str,
        lower: bool,
    ) {
        let (a, b) = (om.get(key), nm.get(key));
        let (fa, fb) = (a.and_then(Json::as_f64), b.and_then(Json::as_f64));
        match (a, b) {
            (x, y) if x == y => {}
            (None, Some(y)) => {
                // `minLength: 0` constrains nothing.
                let effect = if lower && fb == Some(0.0) {
                    Effect::Neutral
                } else {
                    Effect::Narrower
                };
                self.push(path, effect, format!("{name} {} added", show(y)));
            }
            (Some(x), None) => {
                let effect = if lower && fa == Some(0.0) {
                    Effect::Neutral
                } else {
                    Effect::Wider
                };
                self.push(path, effect, format!("{name} {} removed", show(x)));
            }
            (Some(x), Some(y)) => {
                let (Some(fa), Some(fb)) = (fa, fb) else {
                    self.push(
                        path,
                        Effect::Both,
                        format!("{name} changed from {} to {}", show(x), show(y)),
                    );
                    return;
                };
                let raised = fb > fa;
                let tighter = raised == lower;
                let verb = if raised { "raised" } else { "lowered" };
                let effect = if tighter {
                    Effect::Narrower
                } else {
                    Effect::Wider
                };
                self.push(
                    path,
                    effect,
                    format!("{name} {verb} from {} to {}", show(x), show(y)),
                );
            }
            _ => {}
        }
    }

    fn object(&mut self, om: &Map<String, Json>, nm: &Map<String, Json>, path: &str) {
        let props = |m: &Map<String, Json>| -> Map<String, Json> {
            match m.get("properties") {
                Some(Json::Object(p)) => p.clone(),
                _ => Map::new(),
            }
        };
        let required = |m: &Map<String, Json>| -> Vec<String> {
            match m.get("required") {
                Some(Json::Array(r)) => r
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (op, np) = (props(om), props(nm));
        let (or, nr) = (required(om), required(nm));
        let mut names: Vec<&String> = op.keys().chain(np.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            let at = join(path, name);
            let (was_req, is_req) = (or.contains(name), nr.contains(name));
            match (op.get(name), np.get(name)) {
                (Some(a), Some(b)) => {
                    match (was_req, is_req) {
                        (false, true) => {
                            self.push(&at, Effect::Narrower, "optional property made required")
                        }
                        (true, false) => {
                            self.push(&at, Effect::Wider, "required property made optional")
                        }
                        _ => {}
                    }
                    self.schema(a, b, &at);
                }
                (Some(_), None) => self.push(&at, Effect::Both, "property removed"),
                (None, Some(_)) if is_req => {
                    self.push(&at, Effect::Narrower, "new required property")
                }
                (None, Some(_)) => self.push(&at, Effect::Neutral, "new optional property"),
                (None, None) => {}
            }
        }
        // Required names that are not properties (open objects).
        for name in nr
            .iter()
            .filter(|n| !or.contains(n) && !np.contains_key(*n))
        {
            self.push(&join(path, name), Effect::Narrower, "now required");
        }
        for name in or
            .iter()
            .filter(|n| !nr.contains(n) && !op.contains_key(*n))
        {
            self.push(&join(path, name), Effect::Wider, "no longer required");
        }
        // Other properties: closed (`false`), open (absent, `true`), or a schema.
        let others = |m: &Map<String, Json>| match m.get("additionalProperties") {
            Some(Json::Bool(false)) => Some(None),
            Some(s @ Json::Object(_)) => Some(Some(s.clone())),
            _ => None,
        };
        match (others(om), others(nm)) {
            (a, b) if a == b => {}
            (Some(Some(a)), Some(Some(b))) => self.schema(&a, &b, &format!("{path}{{}}")),
            (Some(None), _) => self.push(path, Effect::Wider, "now accepts other properties"),
            (_, Some(None)) => {
                self.push(path, Effect::Narrower, "no longer accepts other properties")
            }
            (None, Some(Some(b))) => self.push(
                path,
                Effect::Narrower,
                format!("other properties must now match {}", show(&b)),
            ),
            (Some(Some(a)), None) => self.push(
                path,
                Effect::Wider,
                format!("other properties no longer need match {}", show(&a)),
            ),
            _ => {}
        }
        self.count(om, nm, path, "min_len", "minProperties", true);
        self.count(om, nm, path, "max_len", "maxProperties", false);
        // `requires { a = [b] }`: a present requires b present.
        let deps = |m: &Map<String, Json>| -> Vec<(String, Vec<String>)> {
            match m.get("dependentRequired") {
                Some(Json::Object(d)) => d
                    .iter()
                    .map(|(k, v)| {
                        let names = match v {
                            Json::Array(a) => a
                                .iter()
                                .filter_map(|x| x.as_str().map(str::to_owned))
                                .collect(),
                            _ => Vec::new(),
                        };
                        (k.clone(), names)
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        let (od, nd) = (deps(om), deps(nm));
        let find = |d: &[(String, Vec<String>)], k: &str| -> Vec<String> {
            d.iter()
                .find(|(x, _)| x == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut keys: Vec<&String> = od.iter().chain(&nd).map(|(k, _)| k).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            let (a, b) = (find(&od, k), find(&nd, k));
            let at = join(path, k);
            for x in b.iter().filter(|x| !a.contains(x)) {
                self.push(
                    &at,
                    Effect::Narrower,
                    format!("now requires `{x}` alongside"),
                );
            }
            for x in a.iter().filter(|x| !b.contains(x)) {
                self.push(
                    &at,
                    Effect::Wider,
                    format!("no longer requires `{x}` alongside"),
                );
            }
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// `{}` and `true` are the schema of any value.
fn as_map(v: &Json) -> Option<&Map<String, Json>> {
    match v {
        Json::Object(m) => Some(m),
        Json::Bool(true) => Some(&EMPTY),
        _ => None,
    }
}

/// The alternatives of a schema: one per `type` (a list gives several), the
/// members of `anyOf` flattened; empty for a schema of any value.
fn alternatives(m: &Map<String, Json>) -> Vec<Alt<'_>> {
    let mut out = Vec::new();
    match m.get("type") {
        Some(Json::String(t)) => out.extend(Tag::from_type(t).map(|tag| Alt { tag, map: m })),
        Some(Json::Array(ts)) => {
            for t in ts.iter().filter_map(Json::as_str) {
                out.extend(Tag::from_type(t).map(|tag| Alt { tag, map: m }));
            }
        }
        _ => {}
    }
    if let Some(Json::Array(members)) = m.get("anyOf") {
        for member in members {
            if let Some(mm) = as_map(member) {
                let alts = alternatives(mm);
                if alts.is_empty() {
                    // A member of any value: the union is any value.
                    return Vec::new();
                }
                out.extend(alts);
            }
        }
    }
    // An `enum` without `type`: the types of its values.
    if out.is_empty() && m.get("anyOf").is_none() {
        if let Some(Json::Array(values)) = m.get("enum") {
            for v in values {
                let tag = match v {
                    Json::Null => Tag::Null,
                    Json::Bool(_) => Tag::Bool,
                    Json::Number(n) if n.is_i64() || n.is_u64() => Tag::Int,
                    Json::Number(_) => Tag::Num,
                    Json::String(_) => Tag::Str,
                    Json::Array(_) => Tag::List,
                    Json::Object(_) => Tag::Obj,
                };
                if !out.iter().any(|a: &Alt<'_>| a.tag == tag) {
                    out.push(Alt { tag, map: m });
                }
            }
        }
    }
    out
}

fn names(alts: &[Alt<'_>]) -> String {
    let mut v: Vec<&str> = alts.iter().map(|a| a.tag.name(a.map)).collect();
    v.dedup();
    v.join(" | ")
}

fn list(values: &[Json]) -> String {
    let v: Vec<String> = values.iter().map(show).collect();
    format!("[{}]", v.join(", "))
}

/// A value as it reads in a message: strings quoted, long values cut.
pub(super) fn show(v: &Json) -> String {
    let text = match v {
        Json::String(s) => format!("`{s}`"),
        other => other.to_string(),
    };
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}…")
    } else {
        text
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
