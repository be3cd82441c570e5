//! The attribute walker's values: one value checked against its type (scalars,
//! references, secrets, lists, maps, tagged blocks, step references) and encoded
//! as registry JSON.

use super::*;

impl Walker<'_> {
    /// Checks one value against a type; `None` when it errored or was skipped.
    pub fn value(&mut self, ty: &Ty, v: &Value, path: &str, name: &str) -> Option<Json> {
        match &v.kind {
            ValueKind::Invalid | ValueKind::Param(_) => {
                self.fail(path.to_owned());
                return None;
            }
            ValueKind::Str(s) if s.as_plain().is_none() => {
                // `${}`: known once a template is instantiated; outside templates
                // the expand stage reported PM0602.
                self.fail(path.to_owned());
                return None;
            }
            _ => {}
        }
        let out = match (ty, &v.kind) {
            (Ty::Str, ValueKind::Str(s)) => s.as_plain().map(Json::String),
            (Ty::Url, ValueKind::Str(s)) => {
                let text = s.as_plain().unwrap_or_default();
                if is_url(&text) {
                    Some(Json::String(text))
                } else {
                    let d = Diagnostic::new("PM0203", v.span, format!("`{name}` must be a URL"))
                        .label(format!("`{text}` is not an absolute URL"))
                        .help("write a URL such as `https://api.example.com/v1`");
                    return self.error_none(path, d);
                }
            }
            (Ty::Int { min, max }, ValueKind::Int(n)) => {
                let below = min.is_some_and(|m| *n < m);
                let above = max.is_some_and(|m| *n > m);
                if below || above {
                    return self.error_none(path, out_of_range(name, v.span, &n.to_string(), ty));
                }
                Some(json!(n))
            }
            (Ty::Float { min, max }, ValueKind::Int(_) | ValueKind::Float(_)) => {
                let (x, text, j) = match v.kind {
                    ValueKind::Int(n) => (n as f64, n.to_string(), json!(n)),
                    ValueKind::Float(x) => (x, x.to_string(), json!(x)),
                    _ => (0.0, String::new(), Json::Null),
                };
                if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
                    return self.error_none(path, out_of_range(name, v.span, &text, ty));
                }
                Some(j)
            }
            (Ty::Bool, ValueKind::Bool(b)) => Some(json!(b)),
            (Ty::Duration, ValueKind::Duration(ms)) => Some(json!(ms)),
            (Ty::Size, ValueKind::Size(b)) => Some(json!(b)),
            (Ty::Rate, ValueKind::Rate { count, window_ms }) => {
                Some(json!({"count": count, "window_ms": window_ms}))
            }
            // A union-typed template param (`"a" | "b"`) substituted into an enum.
            (Ty::Enum(words), ValueKind::Str(t))
                if self.substituted(v)
                    && t.as_plain().is_some_and(|t| words.contains(&t.as_str())) =>
            {
                t.as_plain().map(Json::String)
            }
            (Ty::Enum(words), ValueKind::Word(w)) => {
                if words.contains(&w.as_str()) {
                    Some(Json::String(w.clone()))
                } else {
                    return self.error_none(path, invalid_word(w, name, v.span, words));
                }
            }
            (Ty::Ref(kind), ValueKind::Ref(r)) => {
                let target = self.refs.get(&r.span);
                if r.kind != *kind {
                    if target.is_none() {
                        self.fail(path.to_owned());
                        return None;
                    }
                    let d = Diagnostic::new(
                        "PM0102",
                        r.span,
                        format!(
                            "`{name}` expects {}, found `{}`",
                            kind.with_article(),
                            r.written
                        ),
                    )
                    .label(format!(
                        "this is {}, not {}",
                        r.kind.with_article(),
                        kind.with_article()
                    ))
                    .help(if self.symbols.has_name(*kind, &r.name) {
                        format!("did you mean `{kind}.{}`?", r.name)
                    } else {
                        format!("refer to {} here: `{kind}.NAME`", kind.with_article())
                    });
                    return self.error_none(path, d);
                }
                match target {
                    Some(t) => {
                        self.uses.push(RefUse {
                            path: path.to_owned(),
                            written: r.written.clone(),
                            target: t.id.clone(),
                        });
                        Some(Json::String(t.id.clone()))
                    }
                    None => {
                        self.fail(path.to_owned());
                        return None;
                    }
                }
            }
            (Ty::List(inner), ValueKind::List(items)) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    match self.value(inner, item, path, name) {
                        Some(j) => out.push(j),
                        None => ok = false,
                    }
                }
                ok.then_some(Json::Array(out))
            }
            (Ty::Block(rows), ValueKind::Block(b)) => {
                let before = self.failures;
                let m = self.block(rows, b, path);
                (self.failures == before).then_some(Json::Object(m))
            }
            (Ty::Map(inner), ValueKind::Block(b)) => self.map(inner, b, path),
            (Ty::Tagged(variants), ValueKind::Tagged(id, b)) => {
                self.tagged(variants, &id.name, id.span, Some(b), path, name)
            }
            (Ty::Tagged(variants), ValueKind::Word(w)) => {
                self.tagged(variants, w, v.span, None, path, name)
            }
            (Ty::Secret, ValueKind::Env(n)) => Some(json!({"env": n})),
            (Ty::Secret, ValueKind::Secret(s)) => Some(json!({"secret": s})),
            (
                Ty::Secret,
                ValueKind::Str(_) | ValueKind::Int(_) | ValueKind::Float(_) | ValueKind::Word(_),
            ) => {
                let var = env_name(&self.decl_name, name);
                let d = Diagnostic::new("PM0302", v.span, format!("`{name}` must be a secret reference, not a literal"))
                    .label("a secret written into the source")
                    .help(format!(
                        "read it at run time: `{name} = env(\"{var}\")` or `{name} = secret(\"vault://…\")`, and rotate the exposed value"
                    ))
                    .fix(Fix::unsafe_(format!("read it from `env(\"{var}\")`"), v.span, format!("env(\"{var}\")")));
                return self.error_none(path, d);
            }
            (Ty::Fields, ValueKind::Block(b)) => {
                let mut ds = Vec::new();
                let schema = types::block_schema(TypeCx { allow_refs: false }, b, &mut ds);
                self.diags.extend(ds);
                if schema.is_none() {
                    self.fail(path.to_owned());
                }
                schema
            }
            (Ty::StepRef, ValueKind::Path(segs)) if is_step_ref(segs) => {
                segs.get(1).map(|s| Json::String(s.name.to_string()))
            }
            (Ty::Path, ValueKind::Path(_)) => Some(Json::String(render_value(v))),
            (
                Ty::Expr,
                ValueKind::Expr(_)
                | ValueKind::Path(_)
                | ValueKind::Str(_)
                | ValueKind::Int(_)
                | ValueKind::Float(_)
                | ValueKind::Bool(_)
                | ValueKind::Word(_),
            ) => Some(Json::String(render_value(v))),
            (Ty::Either(tys), _) => {
                match tys.iter().find(|t| fits_form(t, &v.kind)) {
                    Some(Ty::StepRef) => {
                        // Keep `step.` so a step named like an enum word stays distinct.
                        return self
                            .value(&Ty::StepRef, v, path, name)
                            .map(|_| Json::String(render_value(v)));
                    }
                    Some(t) => return self.value(t, v, path, name),
                    None => return self.error_none(path, self.mismatch(ty, v, name)),
                }
            }
            _ => return self.error_none(path, self.mismatch(ty, v, name)),
        };
        if out.is_none() {
            self.fail(path.to_owned());
        }
        out
    }

    pub(super) fn map(&mut self, inner: &Ty, b: &Block, path: &str) -> Option<Json> {
        let mut out = Map::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut ok = true;
        for item in &b.items {
            let Item::Attr(a) = item else {
                let d = Diagnostic::new("PM0203", item.span(), "expected `KEY = value`")
                    .label("not an entry");
                self.error(path.to_owned(), d);
                ok = false;
                continue;
            };
            if let Some(first) = seen.get(a.key.name.as_str()) {
                self.diags.push(twice(&a.key.name, a.key.span, *first));
                continue;
            }
            seen.insert(&a.key.name, a.key.span);
            let p = join(path, &a.key.name);
            match self.value(inner, &a.value, &p, &a.key.name) {
                Some(j) => {
                    out.insert(a.key.name.to_string(), j);
                }
                None => ok = false,
            }
        }
        ok.then_some(Json::Object(out))
    }

    pub(super) fn tagged(
        &mut self,
        variants: &'static [schema::Variant],
        word: &str,
        span: Span,
        body: Option<&Block>,
        path: &str,
        name: &str,
    ) -> Option<Json> {
        let Some(variant) = schema::variant(variants, word) else {
            let all: Vec<&str> = variants.iter().map(|v| v.name).collect();
            return self.error_none(path, invalid_word(word, name, span, &all));
        };
        let before = self.failures;
        let empty = Block {
            items: Vec::new(),
            span,
        };
        let mut m = self.block(variant.attrs, body.unwrap_or(&empty), path);
        m.insert("type".into(), Json::String(variant.name.into()));
        (self.failures == before).then_some(Json::Object(m))
    }

    pub(super) fn mismatch(&self, ty: &Ty, v: &Value, name: &str) -> Diagnostic {
        let found = v.kind.describe();
        let d = Diagnostic::new(
            "PM0203",
            v.span,
            format!("`{name}` expects {}, found {found}", ty.expected()),
        )
        .label(format!("expected {}", ty.expected()));
        match (ty, &v.kind) {
            (Ty::Ref(kind), ValueKind::Word(w)) => {
                d.help(format!("write a reference: `{kind}.{w}`"))
            }
            (Ty::Enum(words), ValueKind::Str(s))
                if s.as_plain().is_some_and(|t| words.contains(&t.as_str())) =>
            {
                d.help(format!(
                    "write the word without quotes: `{}`",
                    s.as_plain().unwrap_or_default()
                ))
            }
            (Ty::List(inner), _) if fits_form(inner, &v.kind) => d.help("wrap it in a list: `[…]`"),
            (Ty::Float { .. } | Ty::Int { .. }, ValueKind::Str(s))
                if s.as_plain()
                    .is_some_and(|t| t.trim().parse::<f64>().is_ok()) =>
            {
                d.help("write the number without quotes")
            }
            _ => d.help(ty.write_instead(name)),
        }
    }
}

/// Whether a value has the surface form a type expects (for `Either` and hints).
pub(super) fn fits_form(ty: &Ty, v: &ValueKind) -> bool {
    match (ty, v) {
        (Ty::Enum(_), ValueKind::Word(_))
        | (Ty::Tagged(_), ValueKind::Word(_) | ValueKind::Tagged(..)) => true,
        (Ty::StepRef, ValueKind::Path(segs)) => is_step_ref(segs),
        (Ty::Ref(k), ValueKind::Ref(r)) => r.kind == *k,
        (Ty::Str | Ty::Url, ValueKind::Str(_)) => true,
        (Ty::Int { .. }, ValueKind::Int(_))
        | (Ty::Float { .. }, ValueKind::Int(_) | ValueKind::Float(_)) => true,
        (Ty::Bool, ValueKind::Bool(_))
        | (Ty::Duration, ValueKind::Duration(_))
        | (Ty::Size, ValueKind::Size(_)) => true,
        (Ty::Secret, ValueKind::Env(_) | ValueKind::Secret(_)) => true,
        _ => false,
    }
}

pub(super) fn is_step_ref(segs: &[crate::ast::Ident]) -> bool {
    segs.len() == 2
        && segs
            .first()
            .is_some_and(|s| s.name == crate::schema::names::STEP)
}

pub(super) fn out_of_range(name: &str, span: Span, text: &str, ty: &Ty) -> Diagnostic {
    Diagnostic::new("PM0204", span, format!("`{name}` is out of range: {text}"))
        .label(format!("must be {}", ty.describe()))
        .help(format!("use a value that is {}", ty.describe()))
}

/// PM0206: `word` is none of `choices` (an enum's words or a tagged type's
/// variants), with a suggestion when one is close.
fn invalid_word(word: &str, name: &str, span: Span, choices: &[&str]) -> Diagnostic {
    let d = Diagnostic::new(
        "PM0206",
        span,
        format!("`{word}` is not a valid value for `{name}`"),
    )
    .label(format!("expected one of {}", choices.join(", ")));
    match suggestion(word, choices.iter().copied()) {
        Some(s) => d
            .help(format!("did you mean `{}`?", s.name))
            .maybe_fix(s.unique().map(|n| rename_fix(span, n))),
        None => d.help(format!("use one of {}", choices.join(", "))),
    }
}
