//! Stage 3, `expand`: instantiates templates (§9). Each instance becomes an ordinary
//! declaration of its kind, remembering its [`Origin`]; templates stay as they are
//! (the checker checks their bodies once on their own) and are described in
//! [`Expanded::templates`] for the bundle.
//!
//! What lives here: `template.T[@REQ]` resolution among templates (for instances
//! and `extends`), `extends` chains and their cycles (PM0108), argument checking
//! (PM0601), `param.p` / `${p}` substitution and their unknown names (PM0602),
//! union params in enum slots (`slots`: converted to words, members outside the
//! enum PM0206 once per template), and the merging rule of §6 ([`merge`], also
//! used by persona `extends`). Substituted values other than references take the
//! `param.p` use's span, so that an error they cause is on the template's line.
//! What does not: checking the expanded declarations against their kind's schema
//! (the checker, which puts an error found in a template's text on the template's
//! line with [`Origin::instance`] as a related label), resolving the references an
//! instance contains (the resolver), and PM0103 among templates (the resolver).

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::indexing_slicing))]

mod args;
mod argtype;
mod error;
pub mod merge;
mod slots;
mod subst;
mod templates;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;

use crate::ast::{Arg, Block, Decl, DeclBody, Field, Instance, Item, Kind, Value};
use crate::diag::{suggest, Diagnostics};
use crate::parse::Parsed;
use crate::source::{SourceMap, Span};
use error::Problem;
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, HashSet};
use subst::{Place, Slots};
use templates::{Chain, Table};

/// The stage's hash map: a fast fixed hasher (foldhash, already in the build
/// through hashbrown) instead of SipHash; keys are indices, spans and names.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

// Public Interface

/// Where an instance came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// The template's id (`name` or `name@version`).
    pub template: String,
    /// The template's name in the instance (`T` of `template.T@^1(…)`), for
    /// the language server's rename.
    pub template_name: Span,
    pub args: Vec<Arg>,
    /// The instance's header, used as a related label for errors found in the
    /// template's body.
    pub instance: Span,
}

/// A declaration after expansion.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub decl: Decl,
    pub origin: Option<Origin>,
}

/// Every declaration after expansion, in input order; templates stay as they are.
/// An instance whose template is unknown, broken or for another kind stays known
/// by kind and name as [`DeclBody::Broken`] (its problem is already reported).
#[derive(Clone, Debug, Default)]
pub struct Expanded {
    pub units: Vec<Unit>,
    /// The template registry, by template id (the first declaration of an id).
    pub templates: BTreeMap<String, TemplateInfo>,
}

/// One template as the bundle describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateInfo {
    pub id: String,
    /// Index into [`Expanded::units`].
    pub unit: usize,
    pub for_kind: Kind,
    /// The resolved id of the template it extends.
    pub extends: Option<String>,
    /// Its params, inherited ones included (the child's replace the parent's).
    pub params: Vec<ParamInfo>,
    /// Its attributes after `extends` merging, before substitution; `None` when
    /// the chain is broken (unknown parent, cycle).
    pub body: Option<Block>,
}

/// One template param.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamInfo {
    pub name: String,
    pub field: Field,
    /// The JSON Schema 2020-12 of its type and constraints (`{}` when the type
    /// itself has an error, which the checker reports).
    pub schema: Json,
}

impl TemplateInfo {
    /// The template's entry in the bundle's `templates` map: `{for, params: {NAME:
    /// SCHEMA + default}, required, extends}`. `encode` writes a default value the
    /// way the bundle writes attribute values (references resolved).
    pub fn registry_entry(&self, encode: &dyn Fn(&Value) -> Option<Json>) -> Json {
        let mut params = Map::new();
        let mut required = Vec::new();
        for p in &self.params {
            let mut schema = p.schema.clone();
            if let (Json::Object(obj), Some(d)) =
                (&mut schema, p.field.default.as_ref().and_then(encode))
            {
                obj.insert("default".into(), d);
            }
            if !p.field.optional && p.field.default.is_none() {
                required.push(Json::String(p.name.clone()));
            }
            params.insert(p.name.clone(), schema);
        }
        let mut entry = json!({
            "for": self.for_kind.keyword(),
            "params": params,
            "required": required,
        });
        if let (Json::Object(obj), Some(e)) = (&mut entry, &self.extends) {
            obj.insert("extends".into(), Json::String(e.clone()));
        }
        entry
    }
}

/// Expands every instance and describes every template.
pub fn expand(sources: &SourceMap, parsed: Parsed) -> (Expanded, Diagnostics) {
    let decls = parsed.decls;
    let mut problems = Vec::new();
    let table = Table::new(&decls);
    let chains = table.chains(sources, &mut problems);
    check_uses(&decls, &chains, &mut problems);
    let slots = enum_slots(&table, &chains, &mut problems);
    // Instances by index: the merged body and the template id (`None`: broken).
    let mut bodies: FastMap<usize, Option<(Block, String)>> = FastMap::default();
    let cx = Cx {
        sources,
        table: &table,
        chains: &chains,
        slots: &slots,
    };
    let mut memo = argtype::Memo::default();
    for (i, decl) in decls.iter().enumerate() {
        if let DeclBody::Instance(inst) = &decl.body {
            bodies.insert(i, instantiate(&cx, decl, inst, &mut memo, &mut problems));
        }
    }
    let templates = registry(&table, &chains);
    // The declarations move into the units (no copies): an instance gives its
    // arguments to its origin.
    let units = decls
        .into_iter()
        .enumerate()
        .map(|(i, decl)| match bodies.remove(&i) {
            None => Unit { decl, origin: None },
            Some(None) => Unit {
                decl: Decl {
                    body: DeclBody::Broken,
                    ..decl
                },
                origin: None,
            },
            Some(Some((body, template))) => {
                let (args, template_name) = match decl.body {
                    DeclBody::Instance(inst) => (inst.args, inst.template.name_span),
                    _ => (Vec::new(), decl.header),
                };
                Unit {
                    origin: Some(Origin {
                        template,
                        template_name,
                        args,
                        instance: decl.header,
                    }),
                    decl: Decl {
                        body: DeclBody::Attrs(body),
                        ..decl
                    },
                }
            }
        })
        .collect();
    let diags = problems
        .into_iter()
        .map(Problem::into_diagnostic)
        .collect::<Vec<_>>();
    (Expanded { units, templates }, Diagnostics::from(diags))
}

// Internals

/// What instantiating needs, by template index.
struct Cx<'a> {
    sources: &'a SourceMap,
    table: &'a Table<'a>,
    chains: &'a FastMap<usize, Chain>,
    slots: &'a FastMap<usize, Slots>,
}

/// The enum slots of union params in every template with a sound chain, by
/// template index; their members outside the enum are reported here, once per
/// template, whatever the instances pass.
fn enum_slots(
    table: &Table<'_>,
    chains: &FastMap<usize, Chain>,
    problems: &mut Vec<Problem>,
) -> FastMap<usize, Slots> {
    let mut out = FastMap::default();
    for i in table.indices() {
        let (Some((_, tmpl)), Some(chain)) = (table.template(i), chains.get(&i)) else {
            continue;
        };
        let params: Vec<&Field> = params_of(&chain.block).collect();
        let (slots, found) = slots::analyze(tmpl.for_kind, &chain.block, &params);
        problems.extend(found);
        out.insert(i, slots);
    }
    out
}

/// One instance: its template resolved, its arguments bound, the chain's body
/// substituted and the overrides merged in; the body and the template's id, or
/// `None` when the instance is broken (its problem reported).
fn instantiate(
    cx: &Cx<'_>,
    decl: &Decl,
    inst: &Instance,
    memo: &mut argtype::Memo,
    problems: &mut Vec<Problem>,
) -> Option<(Block, String)> {
    let Cx {
        sources,
        table,
        chains,
        ..
    } = *cx;
    let broken = || None;
    let pick = match table.lookup(&inst.template) {
        Ok(pick) => pick,
        Err(miss) => {
            problems.extend(miss);
            return broken();
        }
    };
    problems.extend(pick.warning);
    let Some((tdecl, tmpl)) = table.template(pick.index) else {
        return broken();
    };
    let template = tdecl.id();
    if tmpl.for_kind != decl.kind {
        problems.push(Problem::InstanceOtherKind {
            call: inst.call_span,
            kind: decl.kind,
            template,
            template_for: tmpl.for_kind,
            for_span: tmpl.for_span,
        });
        return broken();
    }
    // A broken chain (unknown parent, cycle) is reported on the template.
    let Some(chain) = chains.get(&pick.index) else {
        return broken();
    };
    let params: Vec<&Field> = params_of(&chain.block).collect();
    let env = args::bind(
        &template,
        &params,
        &inst.args,
        inst.call_span,
        memo,
        problems,
    );
    let mut body = without_params(&chain.block);
    let none = Slots::default();
    let slots = cx.slots.get(&pick.index).unwrap_or(&none);
    subst::substitute(&mut body, &env, slots, sources);
    let empty;
    let overrides = match &inst.overrides {
        Some(o) => o,
        None => {
            empty = Block {
                items: Vec::new(),
                span: inst.call_span,
            };
            &empty
        }
    };
    Some((merge::merge_decl_blocks_owned(body, overrides), template))
}

/// A template body less its `param` lines.
fn without_params(block: &Block) -> Block {
    Block {
        items: block
            .items
            .iter()
            .filter(|i| !matches!(i, Item::Param(_)))
            .cloned()
            .collect(),
        span: block.span,
    }
}

fn params_of(block: &Block) -> impl Iterator<Item = &Field> {
    block.items.iter().filter_map(|i| match i {
        Item::Param(f) => Some(&**f),
        _ => None,
    })
}

/// PM0602: in a template, a name that no param of its chain declares (skipped when
/// the chain is broken: its params are not known), or a use inside a param line;
/// outside templates, every use.
fn check_uses(decls: &[Decl], chains: &FastMap<usize, Chain>, problems: &mut Vec<Problem>) {
    for (i, decl) in decls.iter().enumerate() {
        match &decl.body {
            DeclBody::Template(tmpl) => {
                let known: Option<HashSet<&str>> = match chains.get(&i) {
                    Some(chain) => Some(
                        params_of(&chain.block)
                            .map(|f| f.name.name.as_str())
                            .collect(),
                    ),
                    None if tmpl.extends.is_none() => {
                        Some(tmpl.params().map(|f| f.name.name.as_str()).collect())
                    }
                    None => None,
                };
                subst::uses(&tmpl.body, &mut |id, place| {
                    let span = id.span;
                    let name = id.name.to_string();
                    if place == Place::ParamDecl {
                        problems.push(Problem::ParamInParam { span, name });
                    } else if let Some(known) =
                        known.as_ref().filter(|k| !k.contains(&id.name.as_str()))
                    {
                        problems.push(Problem::UnknownParam {
                            span,
                            suggestion: suggest(&id.name, known.iter().copied()).map(str::to_owned),
                            name,
                            template: decl.id(),
                            header: decl.header,
                        });
                    }
                });
            }
            DeclBody::Attrs(b) => outside(b, problems),
            DeclBody::Instance(inst) => {
                for a in &inst.args {
                    subst::uses_in_value(&a.value, Place::Body, &mut |id, _| {
                        problems.push(Problem::OutsideTemplate {
                            span: id.span,
                            name: id.name.to_string(),
                        })
                    });
                }
                if let Some(o) = &inst.overrides {
                    outside(o, problems);
                }
            }
            DeclBody::Broken => {}
        }
    }
}

fn outside(block: &Block, problems: &mut Vec<Problem>) {
    subst::uses(block, &mut |id, _| {
        problems.push(Problem::OutsideTemplate {
            span: id.span,
            name: id.name.to_string(),
        })
    });
}

/// The template registry: every template by id (the first of a duplicated id).
fn registry(table: &Table<'_>, chains: &FastMap<usize, Chain>) -> BTreeMap<String, TemplateInfo> {
    let mut out = BTreeMap::new();
    for i in table.indices() {
        let Some((decl, tmpl)) = table.template(i) else {
            continue;
        };
        let chain = chains.get(&i);
        let block = chain.map_or(&tmpl.body, |c| &c.block);
        let params = params_of(block)
            .map(|f| ParamInfo {
                name: f.name.name.to_string(),
                field: f.clone(),
                schema: argtype::schema(&f.ty, f.constraints.as_ref()).unwrap_or_else(|| json!({})),
            })
            .collect();
        let extends = chain
            .and_then(|c| c.parent)
            .and_then(|p| table.template(p))
            .map(|(d, _)| d.id());
        let body = chain.map(|c| without_params(&c.block));
        out.entry(decl.id()).or_insert(TemplateInfo {
            id: decl.id(),
            unit: i,
            for_kind: tmpl.for_kind,
            extends,
            params,
            body,
        });
    }
    out
}
