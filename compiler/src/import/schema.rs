//! JSON Schema → pmth types (LANGUAGE.md §7). Every keyword a pmth type or
//! constraint expresses becomes it; every other keyword is a [`Loss`] with its
//! JSON pointer, which the caller reports and writes as a `// TODO(import)`
//! comment next to the field. Nothing is dropped silently.

use super::ident::Names;
use super::json::J;
use super::literal::{number, quote};
use super::Loss;
use crate::types::{check_pattern, validate, FORMATS};
use std::collections::HashSet;

/// How deep objects, lists and unions may nest before the rest is `any`
/// (the parser's limit is 64 brackets; each level here opens at most two).
const MAX_DEPTH: usize = 24;

/// Converts the schemas of one document (`root` resolves local `$ref`s).
pub struct Converter<'a> {
    root: &'a J,
    /// The JSON pointer of `root` in the input file (`/tools/3/inputSchema`).
    base: String,
    pub losses: Vec<Loss>,
    refs: Vec<String>,
    depth: usize,
}

impl<'a> Converter<'a> {
    pub fn new(root: &'a J, base: String) -> Converter<'a> {
        Converter {
            root,
            base,
            losses: Vec::new(),
            refs: Vec::new(),
            depth: 0,
        }
    }

    /// The root's pointer in the input file.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn lose(&mut self, ptr: &str, message: String) {
        self.losses.push(Loss {
            pointer: format!("{}{ptr}", self.base),
            message,
        });
    }

    /// The body lines of a field block (`params { … }`, `object { … }`) for an
    /// object schema at `ptr` (relative to the root). Keys other than the ones
    /// an object block holds are losses, except those in `skip` (the caller's).
    pub fn fields<'s>(&mut self, s: &'s J, ptr: &str, skip: &[&'s str]) -> Vec<String> {
        let mut used: HashSet<&str> = ["type", "properties", "required", "dependentRequired"]
            .into_iter()
            .chain(skip.iter().copied())
            .collect();
        let required: Vec<&str> = s
            .get("required")
            .and_then(J::as_arr)
            .map(|a| a.iter().filter_map(J::as_str).collect())
            .unwrap_or_default();
        let props = s.get("properties").and_then(J::as_obj).unwrap_or(&[]);
        if s.get("properties").is_some_and(|p| p.as_obj().is_none()) {
            self.lose(ptr, "`properties` is not an object; ignored".into());
        }
        match s.get("additionalProperties") {
            None | Some(J::Bool(false)) => {
                used.insert("additionalProperties");
            }
            Some(_) => {}
        }
        let mut names = Names::default();
        let mut renamed: Vec<(&str, String)> = Vec::new();
        let mut lines = Vec::new();
        for (key, prop) in props {
            let fptr = format!("{ptr}/properties/{}", escape(key));
            let is_required = required.contains(&key.as_str());
            let (name, text) = self.field(&mut names, key, prop, &fptr, is_required, &[]);
            renamed.push((key, name));
            lines.push(text);
        }
        for r in &required {
            if !props.iter().any(|(k, _)| k == r) {
                self.lose(
                    &format!("{ptr}/required"),
                    format!("`{r}` is required but not among the properties; dropped"),
                );
            }
        }
        if let Some(dep) = s.get("dependentRequired") {
            if let Some(line) = self.requires(dep, &renamed, &format!("{ptr}/dependentRequired")) {
                lines.push(line);
            }
        }
        self.unused(s, ptr, &used);
        lines
    }

    /// A line per Agent Spec property of `list` (a component's `inputs` or
    /// `outputs`, at `{at}/{i}`), named by its `title` (else `fallback`) and
    /// required unless it has a `default`.
    pub fn property_fields(
        &mut self,
        names: &mut Names,
        list: Option<&J>,
        at: &str,
        fallback: &str,
    ) -> Vec<String> {
        let list = list.and_then(J::as_arr).unwrap_or(&[]);
        list.iter()
            .enumerate()
            .map(|(i, p)| {
                let key = p.str_at("title").unwrap_or(fallback);
                let at = format!("{at}/{i}");
                self.field(names, key, p, &at, p.get("default").is_none(), &["title"])
                    .1
            })
            .collect()
    }

    /// One field's line(s) for the property `key` (schema `prop` at `fptr`):
    /// its loss comments, `///` doc, name, type and default. Returns the pmth
    /// name (unique in `names`) and the text.
    pub fn field<'s>(
        &mut self,
        names: &mut Names,
        key: &str,
        prop: &'s J,
        fptr: &str,
        is_required: bool,
        skip: &[&'s str],
    ) -> (String, String) {
        let mark = self.losses.len();
        let name = names.take(key, "field");
        if name != key {
            self.lose(
                fptr,
                format!("property `{key}` is not a pmth name; written as `{name}`"),
            );
        }
        let mut own_skip: Vec<&'s str> = vec!["description", "default"];
        own_skip.extend(skip.iter().copied());
        let ty = self.ty(prop, fptr, &own_skip);
        let doc = self.doc(prop, fptr);
        let default = match prop.get("default") {
            None => None,
            Some(d) if is_required => {
                self.lose(fptr, format!("`default` {} on a required property: pmth defaults make a field optional; dropped", compact(d)));
                None
            }
            Some(d) => self.default(prop, d, fptr),
        };
        let mut text = String::new();
        let own = |l: &&Loss| {
            let rest = l.pointer.get(self.base.len() + fptr.len()..).unwrap_or("");
            !rest.contains("/properties/")
        };
        for l in self.losses.get(mark..).unwrap_or(&[]).iter().filter(own) {
            text.push_str(&format!("// TODO(import): {}: {}\n", l.pointer, l.message));
        }
        for d in doc {
            text.push_str(&d);
            text.push('\n');
        }
        let mark = if is_required || default.is_some() {
            ""
        } else {
            "?"
        };
        text.push_str(&format!("{name}{mark}: {ty}"));
        if let Some(d) = default {
            text.push_str(&format!(" = {d}"));
        }
        (name, text)
    }

    /// Adds a loss the caller found (its pointer already absolute).
    pub fn push(&mut self, loss: Loss) {
        self.losses.push(loss);
    }

    /// `dependentRequired` as a `requires { a = [b, c] }` line.
    fn requires(&mut self, dep: &J, names: &[(&str, String)], ptr: &str) -> Option<String> {
        let name_of = |k: &str| names.iter().find(|(o, _)| *o == k).map(|(_, n)| n.clone());
        let Some(entries) = dep.as_obj() else {
            self.lose(ptr, "`dependentRequired` is not an object; dropped".into());
            return None;
        };
        let mut parts = Vec::new();
        for (k, v) in entries {
            let targets: Option<Vec<String>> = v
                .as_arr()
                .and_then(|a| a.iter().map(|x| x.as_str().and_then(name_of)).collect());
            match (name_of(k), targets) {
                (Some(from), Some(to)) if !to.is_empty() => {
                    parts.push(format!("{from} = [{}]", to.join(", ")))
                }
                (_, Some(to)) if to.is_empty() => {}
                _ => self.lose(
                    &format!("{ptr}/{}", escape(k)),
                    "names a property that is not declared; dropped".into(),
                ),
            }
        }
        (!parts.is_empty()).then(|| format!("requires {{ {} }}", parts.join("  ")))
    }

    /// A property's `description` as `///` lines (a description that would not
    /// come back the same is written trimmed, with a loss).
    fn doc(&mut self, s: &J, ptr: &str) -> Vec<String> {
        let Some(d) = s.get("description") else {
            return Vec::new();
        };
        let Some(d) = d.as_str() else {
            self.lose(ptr, "`description` is not a string; dropped".into());
            return Vec::new();
        };
        let exact = !d.is_empty()
            && d.trim() == d
            && !d.contains('\r')
            && d.lines().all(|l| l.trim_end() == l && !l.starts_with('\t'));
        if !exact {
            self.lose(
                &format!("{ptr}/description"),
                "the description's surrounding or trailing whitespace (or emptiness) is not kept by `///`".into(),
            );
        }
        d.trim()
            .lines()
            .map(|l| match l.trim_end() {
                "" => "///".to_owned(),
                l => format!("/// {l}"),
            })
            .collect()
    }

    /// A default as a pmth literal, when it is one and valid for its schema.
    fn default(&mut self, prop: &J, d: &J, ptr: &str) -> Option<String> {
        let Some(text) = literal(d) else {
            self.lose(
                ptr,
                format!("`default` {} has no pmth literal form; dropped", compact(d)),
            );
            return None;
        };
        if let Err(e) = validate(&prop.to_json(), &d.to_json()) {
            self.lose(
                ptr,
                format!(
                    "`default` {} does not fit its own schema ({e}); dropped",
                    compact(d)
                ),
            );
            return None;
        }
        Some(text)
    }

    /// The pmth type (with constraints) of the schema `s` at `ptr`. `skip`:
    /// keys the caller handles (a field's `description` and `default`).
    pub fn ty<'s>(&mut self, s: &'s J, ptr: &str, skip: &[&'s str]) -> String {
        if self.depth >= MAX_DEPTH {
            self.lose(
                ptr,
                format!("nested deeper than {MAX_DEPTH} levels; written as `any`"),
            );
            return "any".into();
        }
        self.depth += 1;
        let t = self.ty_inner(s, ptr, skip);
        self.depth -= 1;
        t
    }

    fn ty_inner<'s>(&mut self, s: &'s J, ptr: &str, skip: &[&'s str]) -> String {
        match s {
            J::Bool(true) => return "any".into(),
            J::Obj(_) => {}
            other => {
                self.lose(
                    ptr,
                    format!(
                        "the schema {} is not an object; written as `any`",
                        compact(other)
                    ),
                );
                return "any".into();
            }
        }
        if let Some(r) = s.str_at("$ref") {
            return self.reference(r, s, ptr, skip);
        }
        let mut used: HashSet<&str> = skip.iter().copied().collect();
        let mut nullable = false;
        if let Some(n) = s.get("nullable") {
            used.insert("nullable");
            if n.as_bool() == Some(true) {
                nullable = true;
                self.lose(ptr, "`nullable: true` (OpenAPI) written as `| null`".into());
            }
        }
        let mut text = if let Some(e) = s.get("enum") {
            self.enumeration(s, e, ptr, &mut used)
        } else if let Some(c) = s.get("const") {
            used.insert("const");
            match c {
                J::Str(v) => {
                    self.lose(ptr, "`const` written as a one-value union (`enum`)".into());
                    used.insert("type");
                    quote(v)
                }
                _ => {
                    self.lose(
                        ptr,
                        format!("`const` {} is not a string; dropped", compact(c)),
                    );
                    self.typed(s, ptr, &mut used)
                }
            }
        } else if s.get("anyOf").is_some() || s.get("oneOf").is_some() {
            if s.get("type").is_some() {
                self.distributed(s, ptr, &mut used)
            } else {
                self.union(s, ptr, &mut used)
            }
        } else {
            self.typed(s, ptr, &mut used)
        };
        if nullable && !text.ends_with("| null") {
            text.push_str(" | null");
        }
        self.unused(s, ptr, &used);
        text
    }

    /// Reports every key of `s` not in `used`.
    fn unused(&mut self, s: &J, ptr: &str, used: &HashSet<&str>) {
        for (k, _) in s.as_obj().unwrap_or(&[]) {
            if used.contains(k.as_str()) {
                continue;
            }
            let why = match k.as_str() {
                "title" | "examples" | "deprecated" | "readOnly" | "writeOnly" | "$comment"
                | "$id" | "$schema" | "description" | "default" | "$anchor" => {
                    "an annotation pmth types do not carry here"
                }
                "not"
                | "if"
                | "then"
                | "else"
                | "allOf"
                | "patternProperties"
                | "propertyNames"
                | "prefixItems"
                | "contains"
                | "minContains"
                | "maxContains"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "dependentSchemas"
                | "multipleOf"
                | "minProperties"
                | "maxProperties"
                | "additionalProperties"
                | "$defs"
                | "definitions"
                | "dependencies" => "not expressible in pmth types",
                _ => "not a keyword pmth knows",
            };
            let ptr = format!("{ptr}/{}", escape(k));
            self.lose(&ptr, format!("`{k}` is {why}; dropped"));
        }
    }

    /// `enum`: string values (and `null`) as a union of literals.
    fn enumeration<'s>(
        &mut self,
        s: &'s J,
        e: &J,
        ptr: &str,
        used: &mut HashSet<&'s str>,
    ) -> String {
        used.insert("enum");
        let values = e.as_arr().unwrap_or(&[]);
        let strings: Vec<&str> = values.iter().filter_map(J::as_str).collect();
        let has_null = values.contains(&J::Null);
        let type_ok = match s.get("type") {
            None => true,
            Some(J::Str(t)) => t == "string",
            Some(J::Arr(ts)) => ts
                .iter()
                .all(|t| matches!(t.as_str(), Some("string") | Some("null"))),
            Some(_) => false,
        };
        if !strings.is_empty() && strings.len() + usize::from(has_null) == values.len() && type_ok {
            used.insert("type");
            let mut members: Vec<String> = Vec::new();
            for v in strings {
                let q = quote(v);
                if !members.contains(&q) {
                    members.push(q);
                }
            }
            if has_null
                || matches!(s.get("type"), Some(J::Arr(ts)) if ts.iter().any(|t| t.as_str() == Some("null")))
            {
                members.push("null".into());
            }
            return members.join(" | ");
        }
        self.lose(
            &format!("{ptr}/enum"),
            format!("`enum` {} is not a set of strings; dropped", compact(e)),
        );
        self.typed(s, ptr, used)
    }

    /// `anyOf` / `oneOf` as a union `T1 | T2 | …`.
    fn union<'s>(&mut self, s: &'s J, ptr: &str, used: &mut HashSet<&'s str>) -> String {
        let mut members: Vec<String> = Vec::new();
        for k in ["anyOf", "oneOf"] {
            let Some(v) = s.get(k) else { continue };
            used.insert(k);
            if k == "oneOf" {
                self.lose(ptr, "`oneOf` written as a union (`anyOf`): exact only when the options do not overlap".into());
            }
            let Some(options) = v.as_arr().filter(|a| !a.is_empty()) else {
                self.lose(
                    &format!("{ptr}/{k}"),
                    format!("`{k}` is not a non-empty list; dropped"),
                );
                continue;
            };
            for (i, o) in options.iter().enumerate() {
                let t = if is_null(o) {
                    "null".to_owned()
                } else {
                    self.ty(o, &format!("{ptr}/{k}/{i}"), &[])
                };
                if !members.contains(&t) {
                    members.push(t);
                }
            }
        }
        if members.is_empty() {
            return "any".into();
        }
        if members.len() > 1 && members.iter().any(|m| m == "any") {
            self.lose(ptr, "a union with an `any` option is `any`".into());
            return "any".into();
        }
        if members == ["null"] {
            self.lose(ptr, "a union of only `null` is written as `any`".into());
            return "any".into();
        }
        members.join(" | ")
    }

    /// `type` next to `anyOf`/`oneOf`: when `type` is all there is beside
    /// them, it moves into each option that has none (`T ∧ (A ∨ B)` is
    /// `(T ∧ A) ∨ (T ∧ B)`); otherwise the type is kept and the options lost.
    fn distributed<'s>(&mut self, s: &'s J, ptr: &str, used: &mut HashSet<&'s str>) -> String {
        let alone = s.as_obj().unwrap_or(&[]).iter().all(|(k, _)| {
            matches!(k.as_str(), "type" | "anyOf" | "oneOf") || used.contains(k.as_str())
        });
        let ty = s.get("type").cloned().unwrap_or(J::Null);
        let key = if s.get("anyOf").is_some() {
            "anyOf"
        } else {
            "oneOf"
        };
        let both = s.get("anyOf").is_some() && s.get("oneOf").is_some();
        let options = s.get(key).and_then(J::as_arr).filter(|a| !a.is_empty());
        let Some(options) = options.filter(|_| alone && !both) else {
            let t = self.typed(s, ptr, used);
            for k in ["anyOf", "oneOf"] {
                if s.get(k).is_some() {
                    used.insert(k);
                    self.lose(ptr, format!("`{k}` next to `type` and other keywords is not expressible; kept the type, dropped `{k}`"));
                }
            }
            return t;
        };
        used.extend(["type", key]);
        self.lose(ptr, format!("`type` moved into each option of `{key}`"));
        if key == "oneOf" {
            self.lose(
                ptr,
                "`oneOf` written as a union (`anyOf`): exact only when the options do not overlap"
                    .into(),
            );
        }
        let mut members: Vec<String> = Vec::new();
        for (i, o) in options.iter().enumerate() {
            let merged = match o {
                J::Obj(e) if o.get("type").is_none() => {
                    let mut e = e.clone();
                    e.insert(0, ("type".into(), ty.clone()));
                    J::Obj(e)
                }
                other => other.clone(),
            };
            let t = self.ty(&merged, &format!("{ptr}/{key}/{i}"), &[]);
            if !members.contains(&t) {
                members.push(t);
            }
        }
        members.join(" | ")
    }

    /// A schema by its `type` (a list of types is a union), or by its keywords
    /// when it has none.
    fn typed<'s>(&mut self, s: &'s J, ptr: &str, used: &mut HashSet<&'s str>) -> String {
        used.insert("type");
        let types: Vec<&str> = match s.get("type") {
            Some(J::Str(t)) => vec![t.as_str()],
            Some(J::Arr(ts)) => ts.iter().filter_map(J::as_str).collect(),
            Some(other) => {
                self.lose(
                    &format!("{ptr}/type"),
                    format!("`type` {} is not a type name; dropped", compact(other)),
                );
                Vec::new()
            }
            None => match infer(s) {
                Some(t) => vec![t],
                None => return "any".into(),
            },
        };
        let mut members = Vec::new();
        for t in &types {
            let m = self.single(t, s, ptr, used);
            if !members.contains(&m) {
                members.push(m);
            }
        }
        match members.as_slice() {
            [] => "any".into(),
            [only] if only == "null" => {
                self.lose(
                    ptr,
                    "a lone `null` type has no pmth field type; written as `any`".into(),
                );
                "any".into()
            }
            _ => members.join(" | "),
        }
    }

    /// One JSON type with the keywords that apply to it.
    fn single<'s>(&mut self, t: &str, s: &'s J, ptr: &str, used: &mut HashSet<&'s str>) -> String {
        let mut cons: Vec<String> = Vec::new();
        let mut num =
            |key: &'static str, name: &str, used: &mut HashSet<&'s str>, me: &mut Self| {
                if let Some(v) = s.get(key) {
                    used.insert(key);
                    match v {
                        J::Num(n) => match number(n) {
                            Some(text) => cons.push(format!("{name} = {text}")),
                            None => me.lose(
                                &format!("{ptr}/{key}"),
                                format!("`{key}` {n} is outside pmth's numbers; dropped"),
                            ),
                        },
                        _ => me.lose(
                            &format!("{ptr}/{key}"),
                            format!("`{key}` {} is not a number; dropped", compact(v)),
                        ),
                    }
                }
            };
        let base = match t {
            "string" => {
                num("minLength", "min_len", used, self);
                num("maxLength", "max_len", used, self);
                if let Some(p) = s.get("pattern") {
                    used.insert("pattern");
                    match p.as_str() {
                        Some(p) if check_pattern(p).is_ok() => cons.push(format!("pattern = {}", quote(p))),
                        _ => self.lose(&format!("{ptr}/pattern"), format!("`pattern` {} is outside the regex syntax pmth accepts (RE2 ∩ Rust regex); dropped", compact(p))),
                    }
                }
                if let Some(f) = s.get("format") {
                    used.insert("format");
                    match f.as_str() {
                        Some(f) if FORMATS.contains(&f) => {
                            cons.push(format!("format = {}", quote(f)))
                        }
                        _ => self.lose(
                            &format!("{ptr}/format"),
                            format!("`format` {} is not one pmth asserts; dropped", compact(f)),
                        ),
                    }
                }
                "string".to_owned()
            }
            "integer" | "number" => {
                num("minimum", "min", used, self);
                num("maximum", "max", used, self);
                for (k, n) in [
                    ("exclusiveMinimum", "exclusive_min"),
                    ("exclusiveMaximum", "exclusive_max"),
                ] {
                    num(k, n, used, self);
                }
                if t == "integer" { "int" } else { "float" }.to_owned()
            }
            "boolean" => "bool".to_owned(),
            "null" => "null".to_owned(),
            "array" => {
                num("minItems", "min_len", used, self);
                num("maxItems", "max_len", used, self);
                if let Some(u) = s.get("uniqueItems") {
                    used.insert("uniqueItems");
                    if u.as_bool() == Some(true) {
                        cons.push("unique = true".into());
                    }
                }
                let item = match s.get("items") {
                    None => "any".to_owned(),
                    Some(i @ J::Obj(_)) | Some(i @ J::Bool(true)) => {
                        used.insert("items");
                        self.ty(i, &format!("{ptr}/items"), &[])
                    }
                    Some(_) => "any".to_owned(), // tuple `items`: reported as unused
                };
                format!("list<{item}>")
            }
            "object" => return self.object(s, ptr, used),
            other => {
                self.lose(
                    &format!("{ptr}/type"),
                    format!("`{other}` is not a JSON Schema type; dropped"),
                );
                return "any".into();
            }
        };
        if cons.is_empty() {
            base
        } else {
            format!("{base} {{ {} }}", cons.join("  "))
        }
    }

    /// `object`: with `properties` an `object { … }` block, else a map.
    fn object<'s>(&mut self, s: &'s J, ptr: &str, used: &mut HashSet<&'s str>) -> String {
        if s.get("properties").is_some() {
            used.extend(["properties", "required", "dependentRequired"]);
            if matches!(s.get("additionalProperties"), None | Some(J::Bool(false))) {
                used.insert("additionalProperties");
            } else {
                self.lose(&format!("{ptr}/additionalProperties"), "an object with `properties` is closed in pmth (`additionalProperties: false`); the extra properties it allowed are not".into());
                used.insert("additionalProperties");
            }
            let skip: Vec<&str> = used.iter().copied().collect();
            let lines = self.fields(s, ptr, &skip);
            // `fields` reported the keys it did not use.
            used.extend(s.as_obj().unwrap_or(&[]).iter().map(|(k, _)| k.as_str()));
            return format!("object {{\n{}\n}}", lines.join("\n"));
        }
        used.insert("additionalProperties");
        let mut cons = Vec::new();
        for (k, n) in [("minProperties", "min_len"), ("maxProperties", "max_len")] {
            if let Some(J::Num(v)) = s.get(k) {
                if let Some(text) = number(v) {
                    used.insert(k);
                    cons.push(format!("{n} = {text}"));
                }
            }
        }
        let value = match s.get("additionalProperties") {
            None | Some(J::Bool(true)) => "any".to_owned(),
            Some(J::Bool(false)) => {
                for f in ["required", "dependentRequired"] {
                    used.insert(f);
                }
                return "object {}".into();
            }
            Some(v) => self.ty(v, &format!("{ptr}/additionalProperties"), &[]),
        };
        if cons.is_empty() {
            format!("map<{value}>")
        } else {
            format!("map<{value}> {{ {} }}", cons.join("  "))
        }
    }

    /// A `$ref`: a local one (`#/$defs/X`, `#/definitions/X`) is inlined; a
    /// cycle or a remote one is `any`, reported.
    fn reference<'s>(&mut self, r: &str, s: &'s J, ptr: &str, skip: &[&'s str]) -> String {
        let mut used: HashSet<&str> = skip.iter().copied().collect();
        used.insert("$ref");
        let target = r.strip_prefix('#').and_then(|p| resolve(self.root, p));
        let text = match target {
            None => {
                self.lose(
                    ptr,
                    format!("`$ref` {r:?} is not a local reference; written as `any`"),
                );
                "any".to_owned()
            }
            Some(_) if self.refs.iter().any(|x| x == r) => {
                self.lose(
                    ptr,
                    format!("`$ref` {r:?} is recursive (a cycle); written as `any`"),
                );
                "any".to_owned()
            }
            Some(t) => {
                self.refs.push(r.to_owned());
                self.lose(ptr, format!("`$ref` {r:?} inlined"));
                let t = self.ty(t, ptr, &["description", "default", "title"]);
                self.refs.pop();
                t
            }
        };
        self.unused(s, ptr, &used);
        text
    }
}

/// `{"type": "null"}`: a union's `null` member.
fn is_null(s: &J) -> bool {
    matches!(s.as_obj(), Some([(k, J::Str(t))]) if k == "type" && t == "null")
}

/// The JSON type a schema without `type` describes, from its keywords.
fn infer(s: &J) -> Option<&'static str> {
    let has = |k: &str| s.get(k).is_some();
    if has("properties") || has("additionalProperties") || has("required") {
        Some("object")
    } else if has("items") || has("minItems") || has("maxItems") || has("uniqueItems") {
        Some("array")
    } else if has("minLength") || has("maxLength") || has("pattern") || has("format") {
        Some("string")
    } else if has("minimum") || has("maximum") || has("exclusiveMinimum") || has("exclusiveMaximum")
    {
        Some("number")
    } else {
        None
    }
}

/// A JSON pointer (`/a/b`) inside `root`.
fn resolve<'a>(root: &'a J, pointer: &str) -> Option<&'a J> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut at = root;
    for part in pointer.strip_prefix('/')?.split('/') {
        let part = part.replace("~1", "/").replace("~0", "~");
        at = match at {
            J::Obj(_) => at.get(&part)?,
            J::Arr(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

/// A key as a JSON pointer token.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A value shown in a message (cut at 60 characters).
pub fn compact(v: &J) -> String {
    let s = v.to_json().to_string();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or("")),
        None => s,
    }
}

/// A JSON value as a pmth literal: strings, numbers, bools, lists of them.
fn literal(v: &J) -> Option<String> {
    match v {
        J::Str(s) => Some(quote(s)),
        J::Num(n) => number(n),
        J::Bool(b) => Some(b.to_string()),
        J::Arr(items) => {
            let parts: Option<Vec<String>> = items.iter().map(literal).collect();
            Some(format!("[{}]", parts?.join(", ")))
        }
        J::Null | J::Obj(_) => None,
    }
}
