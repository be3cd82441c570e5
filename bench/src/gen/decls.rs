//! The text of each generated declaration. Every function writes one complete,
//! valid declaration (LANGUAGE.md) that refers only to declarations generated
//! before it, so that cutting the stream anywhere leaves a valid workspace.

use super::names::{self as n, DOMAINS};
use super::Shape;
use crate::rng::Rng;
use std::fmt::Write;

/// Appends a formatted line to a `String` (writing to a `String` cannot fail).
macro_rules! line {
    ($s:expr, $($arg:tt)*) => {{
        let _ = writeln!($s, $($arg)*);
    }};
}

const NOUNS: [&str; 12] = [
    "records",
    "tickets",
    "invoices",
    "contracts",
    "leads",
    "incidents",
    "articles",
    "accounts",
    "reports",
    "alerts",
    "documents",
    "orders",
];
const ADJS: [&str; 8] = [
    "internal", "customer", "regional", "archived", "recent", "priority", "shared", "public",
];
const PROVIDERS: [&str; 4] = ["anthropic", "openai", "mistral", "google"];
const TEAMS: [&str; 5] = ["platform", "growth", "core", "trust", "data"];

/// An optional doc comment (about one declaration in three).
fn doc(s: &mut String, rng: &mut Rng, what: &str) {
    if rng.chance(33) {
        line!(s, "/// {what}.");
    }
}

fn phrase(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(&ADJS), rng.pick(&NOUNS))
}

/// A float with one decimal in `lo/10..=hi/10`.
fn tenths(rng: &mut Rng, lo: u64, hi: u64) -> String {
    let v = rng.range(lo, hi);
    format!("{}.{}", v / 10, v % 10)
}

/// The `acme` root and one capability per domain.
pub fn taxonomy_root() -> String {
    "/// The root of the generated capability taxonomy.\ncapability acme { description = \"Acme fleet capabilities\" }\n".to_string()
}

/// The capability a fifth of all agents claim (select-heavy shape).
pub fn shared_capability() -> String {
    format!(
        "capability {} {{ description = \"Work any team can take\" }}\n",
        n::SHARED_CAP
    )
}

pub fn taxonomy_domain(i: usize) -> String {
    let d = DOMAINS.get(i).copied().unwrap_or("research");
    format!("capability acme.{d} {{ description = \"Everything about {d}\" }}\n")
}

/// Template `t`: odd templates extend the even one before them.
pub fn template(t: usize, rng: &mut Rng) -> String {
    let mut s = String::new();
    let name = n::template(t);
    if t % 2 == 1 {
        let base = n::template(t - 1);
        line!(s, "/// A regional variant of `{base}`.");
        line!(s, "template {name} for agent extends template.{base} {{");
        line!(s, "  param region: \"us\" | \"eu\" = \"us\"");
        line!(
            s,
            "  description = \"Answers ${{topic}} questions in ${{region}} (${{tier}} tier)\""
        );
        line!(s, "  limits {{ max_steps = {} }}", rng.range(12, 30));
        line!(s, "}}");
        return s;
    }
    line!(s, "/// Desk agents answer questions on one topic.");
    line!(s, "template {name} for agent {{");
    line!(
        s,
        "  param topic: string {{ pattern = \"^[a-z0-9_]+$\"  max_len = 40 }}"
    );
    line!(s, "  param tier: \"basic\" | \"premium\" = \"basic\"");
    line!(s, "  param brain: model");
    line!(
        s,
        "  description = \"Answers ${{topic}} questions (${{tier}} tier)\""
    );
    line!(s, "  kind = task_oriented");
    line!(s, "  model = param.brain");
    line!(s, "  governance {{ safety_level = high  audit = true  content_filter = strict  human_approval = false }}");
    line!(
        s,
        "  limits {{ max_steps = {}  timeout = {}m  budget_usd = {} }}",
        rng.range(5, 15),
        rng.range(2, 10),
        tenths(rng, 5, 40)
    );
    line!(s, "  labels {{ team = \"{}\" }}", rng.pick(&TEAMS));
    line!(s, "}}");
    s
}

/// The group's capability and its `lookup` child.
pub fn capabilities(k: usize, rng: &mut Rng) -> [String; 2] {
    let d = n::dom(k);
    let mut a = String::new();
    doc(&mut a, rng, "A team capability");
    line!(a, "capability {} {{", n::cap(k));
    line!(
        a,
        "  description = \"Handle {} for {d} team {k}\"",
        phrase(rng)
    );
    line!(a, "}}");
    let mut b = String::new();
    line!(b, "capability {} {{", n::cap_lookup(k));
    line!(
        b,
        "  description = \"Look up {} for {d} team {k}\"",
        phrase(rng)
    );
    line!(b, "  requires = [capability.{}]", n::cap(k));
    line!(b, "}}");
    [a, b]
}

/// The service of an even group.
pub fn service(k: usize, rng: &mut Rng) -> String {
    let mut s = String::new();
    let name = n::service(k);
    let env = name.to_uppercase();
    doc(&mut s, rng, "A backend service");
    line!(s, "service {name}@{} {{", n::service_version(k));
    line!(
        s,
        "  description = \"API for {} {}\"",
        n::dom(k),
        phrase(rng)
    );
    let kind = rng.pick(&["rest", "rest", "graphql", "grpc", "mcp"]);
    line!(s, "  kind = {kind}");
    line!(
        s,
        "  endpoint = \"https://{}.api.example.com/v{}\"",
        name.replace('_', "-"),
        k % 3 + 1
    );
    match rng.below(3) {
        0 => line!(
            s,
            "  auth = api_key {{ header = \"X-Api-Key\"  secret = env(\"{env}_KEY\") }}"
        ),
        1 => line!(
            s,
            "  auth = bearer {{ secret = secret(\"vault://bench/{name}\") }}"
        ),
        _ => {
            line!(s, "  auth = oauth2 {{");
            line!(s, "    token_url = \"https://auth.example.com/token\"");
            line!(s, "    client_id = \"{name}\"");
            line!(s, "    client_secret = env(\"{env}_SECRET\")");
            line!(s, "    scopes = [\"read\", \"write\"]");
            line!(s, "  }}");
        }
    }
    line!(s, "  rate_limit = {}/s", rng.range(5, 200));
    line!(s, "  timeout = {}s", rng.range(5, 60));
    line!(s, "  health = \"/healthz\"");
    line!(s, "}}");
    s
}

pub fn model(k: usize, shape: Shape, rng: &mut Rng) -> String {
    let mut s = String::new();
    doc(&mut s, rng, "A model snapshot");
    line!(s, "model {}@{} {{", n::model(k), n::model_version(k));
    line!(
        s,
        "  description = \"Model tuned for {} {}\"",
        n::dom(k),
        phrase(rng)
    );
    line!(s, "  provider = \"{}\"", rng.pick(&PROVIDERS));
    line!(
        s,
        "  id = \"{}-{}-{k}\"",
        n::dom(k),
        rng.pick(&["large", "medium", "small"])
    );
    line!(s, "  context_window = {}", [32000, 128000, 200000][k % 3]);
    line!(s, "  max_output = {}", [4096, 8192, 16384][k % 3]);
    line!(
        s,
        "  modalities = [text{}]",
        if k.is_multiple_of(4) { ", image" } else { "" }
    );
    match shape {
        Shape::Default => line!(s, "  provides = [capability.{}]", n::cap(k)),
        Shape::SelectHeavy => line!(
            s,
            "  provides = [capability.{}, capability.{}]",
            n::cap(k),
            n::SHARED_CAP
        ),
    }
    line!(
        s,
        "  cost {{ input = {}  output = {} }}",
        tenths(rng, 1, 50),
        tenths(rng, 20, 200)
    );
    line!(s, "  safety {{ content_filter = true  evaluated = true }}");
    line!(s, "}}");
    s
}

/// The risk of tool 2 of group `k`; tools 0 and 1 are low and medium.
pub fn tool_risk(k: usize, slot: usize) -> &'static str {
    match (slot, k % 20) {
        (0, _) => "low",
        (1, _) => "medium",
        (_, 7) => "critical",
        (_, 2 | 11 | 15) => "high",
        _ => "medium",
    }
}

pub fn tool(k: usize, slot: usize, rng: &mut Rng) -> String {
    let mut s = String::new();
    let name = n::tool(k, slot);
    doc(&mut s, rng, "A tool");
    match n::tool_version(k, slot) {
        Some(v) => line!(s, "tool {name}@{v} {{"),
        None => line!(s, "tool {name} {{"),
    }
    line!(
        s,
        "  description = \"{} {} {}\"",
        ["Search", "Notify about", "Score"][slot % 3],
        phrase(rng),
        n::dom(k)
    );
    let kind = ["data_processing", "communication", "computational"][slot % 3];
    line!(s, "  kind = {kind}");
    line!(s, "  risk = {}", tool_risk(k, slot));
    match slot {
        0 => {
            line!(s, "  params {{");
            line!(s, "    query: string {{ min_len = 1  max_len = 200 }}");
            line!(s, "    limit: int {{ min = 1  max = 50 }} = 10");
            line!(s, "    region: \"us\" | \"eu\" = \"us\"");
            line!(s, "  }}");
            line!(s, "  returns: list<string>");
            line!(s, "  provides = [capability.{}]", n::cap_lookup(k));
        }
        1 => {
            line!(s, "  params {{");
            line!(s, "    url: string {{ format = \"uri\" }}");
            line!(s, "    timeout_ms?: int {{ min = 100  max = 60000 }}");
            line!(
                s,
                "    tags: list<string> {{ max_len = 10  unique = true }} = []"
            );
            line!(s, "  }}");
            line!(s, "  returns: object {{ sent: bool  id: string }}");
            line!(s, "  provides = [capability.{}]", n::cap(k));
            line!(s, "  permissions = [\"net.http\"]");
        }
        _ => {
            line!(s, "  params {{");
            line!(
                s,
                "    record: object {{ id: string  score: float {{ min = 0  max = 1 }} }}"
            );
            line!(s, "    mode: \"fast\" | \"full\" = \"fast\"");
            line!(s, "    dry_run: bool = false");
            line!(s, "    site?: string {{ format = \"hostname\" }}");
            line!(s, "    requires {{ site = [mode] }}");
            line!(s, "  }}");
            line!(s, "  returns: map<float>");
            line!(s, "  provides = [capability.{}]", n::cap_lookup(k));
        }
    }
    line!(
        s,
        "  limits {{ timeout = {}s  memory = {}MB  rate = {}/m }}",
        rng.range(5, 60),
        [64, 128, 256, 512][k % 4],
        rng.range(10, 600)
    );
    line!(s, "  service = service.{}", n::service(k));
    if rng.chance(40) {
        line!(s, "  labels {{ team = \"{}\" }}", rng.pick(&TEAMS));
    }
    line!(s, "}}");
    s
}

pub fn persona(k: usize, rng: &mut Rng) -> String {
    let mut s = String::new();
    doc(&mut s, rng, "A voice");
    line!(s, "persona {} {{", n::persona(k));
    line!(s, "  description = \"The voice of {} team {k}\"", n::dom(k));
    if k % 4 == 3 {
        line!(s, "  extends = [persona.{}]", n::persona(k - 1));
    }
    line!(
        s,
        "  tone = \"{}\"",
        rng.pick(&["formal", "friendly", "neutral", "direct"])
    );
    line!(
        s,
        "  traits {{ creativity = {}  formality = {}  empathy = {} }}",
        tenths(rng, 0, 10),
        tenths(rng, 0, 10),
        tenths(rng, 0, 10)
    );
    line!(
        s,
        "  expertise = [\"{}\", \"{}\"]",
        n::dom(k),
        rng.pick(&NOUNS)
    );
    if rng.chance(30) {
        line!(s, "  instructions = \"\"\"");
        line!(s, "    Keep answers short and cite {}.", rng.pick(&NOUNS));
        line!(s, "    Ask before acting on {}.", rng.pick(&NOUNS));
        line!(s, "    \"\"\"");
    }
    line!(s, "}}");
    s
}

/// A reference to tool `slot` of group `k`, with a requirement now and then.
fn tool_ref(k: usize, slot: usize, rng: &mut Rng) -> String {
    let name = n::tool(k, slot);
    match (n::tool_version(k, slot), rng.below(3)) {
        (Some(_), 0) => format!("tool.{name}@^1"),
        (Some(v), 1) => format!("tool.{name}@{v}"),
        _ => format!("tool.{name}"),
    }
}

/// Tool slots used by agent `j` (every agent has the lookup tool 0).
fn agent_tools(j: usize) -> &'static [usize] {
    match j % 3 {
        0 => &[0],
        1 => &[0, 1],
        _ => &[0, 2],
    }
}

/// True for the about 5% of agents (one in twenty) that trip a governance warning.
pub fn agent_warns(global: usize) -> bool {
    global % 20 == 14
}

/// Plain agent `j` of group `k`; `global` is its index among all agents.
pub fn agent(k: usize, j: usize, global: usize, shape: Shape, rng: &mut Rng) -> String {
    let mut s = String::new();
    let warns = agent_warns(global);
    doc(&mut s, rng, "An agent");
    line!(s, "agent {} {{", n::agent(k, j));
    line!(
        s,
        "  description = \"{} {} for {} team {k}\"",
        ["Handles", "Reviews", "Triages", "Drafts"][j % 4],
        phrase(rng),
        n::dom(k)
    );
    let kind = if warns {
        "conversational"
    } else {
        ["analytical", "task_oriented", "creative", "conversational"][(k + j) % 4]
    };
    line!(s, "  kind = {kind}");
    line!(s, "  model = model.{}", n::model(k));
    if k > 0 && j % 4 == 1 {
        line!(s, "  fallback_models = [model.{}]", n::model(k - 1));
    }
    let slots = agent_tools(j);
    let tools: Vec<String> = slots.iter().map(|&t| tool_ref(k, t, rng)).collect();
    line!(s, "  tools = [{}]", tools.join(", "));
    line!(s, "  persona = persona.{}", n::persona(k));
    if j.is_multiple_of(2) {
        line!(s, "  services = [service.{}]", n::service(k));
    }
    if shape == Shape::SelectHeavy && n::SHARED_AGENT_SLOTS.contains(&j) {
        line!(
            s,
            "  capabilities = [capability.{}, capability.{}, capability.{}]",
            n::cap(k),
            n::cap_lookup(k),
            n::SHARED_CAP
        );
    } else {
        line!(
            s,
            "  capabilities = [capability.{}, capability.{}]",
            n::cap(k),
            n::cap_lookup(k)
        );
    }
    let critical = slots.iter().any(|&t| tool_risk(k, t) == "critical");
    let filter = if warns { "off" } else { "strict" };
    line!(
        s,
        "  governance {{ safety_level = {}  audit = true  content_filter = {filter}  human_approval = {critical} }}",
        ["high", "medium", "high"][j % 3]
    );
    line!(
        s,
        "  limits {{ max_steps = {}  timeout = {}m  budget_usd = {} }}",
        rng.range(5, 40),
        rng.range(1, 30),
        tenths(rng, 5, 200)
    );
    if rng.chance(30) {
        line!(
            s,
            "  labels {{ team = \"{}\"  tier = \"{}\" }}",
            rng.pick(&TEAMS),
            rng.pick(&["gold", "silver"])
        );
    }
    line!(s, "}}");
    s
}

/// Agent `j` of group `k` as an instance of template `t`.
pub fn instance(k: usize, j: usize, t: usize, rng: &mut Rng) -> String {
    let mut s = String::new();
    let mut args = vec![
        format!("topic = \"g{k}\""),
        format!("brain = model.{}", n::model(k)),
    ];
    if rng.chance(50) {
        args.push("tier = \"premium\"".to_string());
    }
    if t % 2 == 1 && rng.chance(50) {
        args.push("region = \"eu\"".to_string());
    }
    line!(
        s,
        "agent {} = template.{}({}) {{",
        n::agent(k, j),
        n::template(t),
        args.join(", ")
    );
    line!(s, "  tools = [{}]", tool_ref(k, 0, rng));
    line!(s, "  persona = persona.{}", n::persona(k));
    line!(s, "  capabilities = [capability.{}]", n::cap_lookup(k));
    line!(s, "}}");
    s
}

/// The group's workflow: 4 to 6 steps with two parallel branches.
pub fn workflow(k: usize, shape: Shape, rng: &mut Rng) -> String {
    let mut s = String::new();
    let a = |j: usize| n::agent(k, j);
    doc(&mut s, rng, "A team workflow");
    if k.is_multiple_of(3) {
        line!(s, "workflow {}@1.0.{} {{", n::workflow(k), k % 5);
    } else {
        line!(s, "workflow {} {{", n::workflow(k));
    }
    line!(
        s,
        "  description = \"Process {} for {} team {k}\"",
        phrase(rng),
        n::dom(k)
    );
    line!(s, "  input {{");
    line!(s, "    topic: string {{ min_len = 1  max_len = 200 }}");
    line!(s, "    depth: \"brief\" | \"deep\" = \"brief\"");
    line!(s, "    items: list<string> {{ max_len = 50 }} = []");
    line!(s, "  }}");
    line!(
        s,
        "  output: object {{ summary: string  sources: list<string> }}"
    );
    line!(s, "  step gather {{");
    line!(s, "    agent = agent.{}", a(0));
    line!(s, "    with {{ topic = input.topic }}");
    line!(
        s,
        "    retry {{ attempts = {}  backoff = {}s }}",
        rng.range(1, 5),
        rng.range(1, 10)
    );
    line!(s, "    timeout = {}m", rng.range(1, 10));
    line!(s, "  }}");
    line!(s, "  step search {{");
    match shape {
        Shape::Default => line!(s, "    select = capability.{}", n::cap(k)),
        Shape::SelectHeavy => line!(s, "    select = capability.{}", n::SHARED_CAP),
    }
    line!(s, "    after = [step.gather]");
    line!(s, "    with {{ query = step.gather.output }}");
    line!(s, "  }}");
    line!(s, "  step review {{");
    line!(s, "    agent = agent.{}", a(2));
    line!(s, "    after = [step.gather]");
    line!(s, "  }}");
    let each = k.is_multiple_of(2);
    if each {
        line!(s, "  step each {{");
        line!(s, "    agent = agent.{}", a(3));
        line!(s, "    after = [step.gather]");
        line!(s, "    for_each = input.items");
        line!(s, "    with {{ doc = item }}");
        line!(s, "  }}");
    }
    let cleanup = k % 3 != 1;
    line!(s, "  step write {{");
    line!(s, "    agent = agent.{}", a(6));
    let after = if each {
        "step.search, step.review, step.each"
    } else {
        "step.search, step.review"
    };
    line!(s, "    after = [{after}]");
    line!(
        s,
        "    when = input.depth == \"deep\" && step.review.status == \"ok\""
    );
    if cleanup {
        line!(s, "    on_error = step.cleanup");
        line!(s, "    approval = true");
    }
    line!(s, "  }}");
    if cleanup {
        line!(s, "  step cleanup {{");
        line!(s, "    agent = agent.{}", a(1));
        line!(s, "    compensation = true");
        line!(s, "  }}");
    }
    line!(s, "}}");
    s
}
