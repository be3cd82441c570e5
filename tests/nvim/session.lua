-- Drives `pmth lsp` from Neovim (headless, `-u NONE`), the way a user would:
-- rename a model from one of the files that uses it, apply the preferred code
-- action on a typo, format a file, write every changed buffer, and record what happened in
-- the JSON file $PMTH_NVIM_RESULT for the Rust test (tests/nvim.rs) to check.
-- Works on Neovim 0.7 (Debian's) and later: it uses start_client and
-- request_sync, not the newer vim.lsp.start.
--
-- Inputs (environment): PMTH (the binary), PMTH_NVIM_ROOT (the workspace),
-- PMTH_NVIM_RENAME = "FILE:LINE:CHAR:NEW" (0-based position of a reference),
-- PMTH_NVIM_FIX = "FILE:LINE:CHAR" (a position on the typo),
-- PMTH_NVIM_FORMAT = "FILE" (a file to format).

local env = os.getenv
local root = env("PMTH_NVIM_ROOT")
local result = { steps = {} }

local function finish(ok, message)
  result.ok = ok
  result.message = message
  local f = assert(io.open(env("PMTH_NVIM_RESULT"), "w"))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd("qall!")
end

local function split(s)
  local parts = {}
  for p in string.gmatch(s, "[^:]+") do
    table.insert(parts, p)
  end
  return parts
end

local ready = false
local client_id = vim.lsp.start_client({
  name = "pmth",
  cmd = { env("PMTH"), "lsp" },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = "ws" } },
  on_init = function() ready = true end,
})
if not client_id or not vim.wait(20000, function() return ready end, 20) then
  finish(false, "the server did not initialize")
end
local client = vim.lsp.get_client_by_id(client_id)

-- Opens FILE (relative to the workspace) in a buffer attached to the server.
local function open(file)
  vim.cmd("edit " .. vim.fn.fnameescape(root .. "/" .. file))
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)
  return buf
end

local function request(method, params, buf)
  local resp, err = client.request_sync(method, params, 20000, buf)
  if not resp then
    finish(false, method .. ": no answer (" .. tostring(err) .. ")")
  end
  if resp.err then
    finish(false, method .. ": " .. vim.inspect(resp.err))
  end
  return resp.result
end

-- 1. Rename.
local r = split(env("PMTH_NVIM_RENAME"))
local buf = open(r[1])
local at = { line = tonumber(r[2]), character = tonumber(r[3]) }
local doc = { uri = vim.uri_from_bufnr(buf) }
local prep = request("textDocument/prepareRename", { textDocument = doc, position = at }, buf)
result.placeholder = prep and prep.placeholder
local edit = request("textDocument/rename",
  { textDocument = doc, position = at, newName = r[4] }, buf)
local files = 0
for _ in pairs(edit.changes or {}) do
  files = files + 1
end
result.renamed_files = files
vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
table.insert(result.steps, "rename")

-- 2. The preferred code action on the typo.
local x = split(env("PMTH_NVIM_FIX"))
buf = open(x[1])
at = { line = tonumber(x[2]), character = tonumber(x[3]) }
doc = { uri = vim.uri_from_bufnr(buf) }
local actions = request("textDocument/codeAction", {
  textDocument = doc,
  range = { start = at, ["end"] = at },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, at.line) },
}, buf) or {}
local preferred
for _, a in ipairs(actions) do
  if a.isPreferred then
    preferred = a
  end
end
if not preferred then
  finish(false, "no preferred code action among " .. #actions)
end
result.action = preferred.title
vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding)
table.insert(result.steps, "code action")

-- 3. Format a file (PMTH_NVIM_FORMAT), as `gq`/`:lua vim.lsp.buf.formatting()`
-- would: request the edits and apply them to the buffer.
buf = open(env("PMTH_NVIM_FORMAT"))
local edits = request("textDocument/formatting", {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  options = { tabSize = 2, insertSpaces = true },
}, buf)
if not edits or #edits == 0 then
  finish(false, "formatting returned no edits")
end
vim.lsp.util.apply_text_edits(edits, buf, client.offset_encoding)
table.insert(result.steps, "format")

vim.cmd("silent! wall")
finish(true, "done")
