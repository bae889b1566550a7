-- Drives Neovim's built-in LSP client against the Ajar server (node dist/server.js --stdio).
-- Environment: AJAR_SERVER (dist/server.js), AJAR_FILE (a template to open), AJAR_OUT (JSON result file).
local server = os.getenv('AJAR_SERVER')
local file = os.getenv('AJAR_FILE')
local out = os.getenv('AJAR_OUT')
local result = { diagnostics = {}, actions = {}, hover = nil, error = nil }

local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'ajar',
    cmd = { 'node', server, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    settings = { ajar = { workspaceScan = { enabled = false }, rules = { AJ301 = 'error' } } },
    -- Neovim 0.7 neither advertises workspace/configuration nor sends the settings by itself:
    -- like nvim-lspconfig, push them once the server is initialized.
    on_init = function(client)
      client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
    end,
  })
  assert(client_id, 'could not start the Ajar server')
  vim.lsp.buf_attach_client(bufnr, client_id)

  -- Wait (without a fixed sleep) for Ajar's diagnostics.
  -- AJ301 is raised to error by the settings: wait until the server has applied them.
  local got = vim.wait(30000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if d.severity == vim.diagnostic.severity.ERROR then return true end
    end
    return false
  end, 50)
  if not got then error('no error-severity diagnostics within 30 s: ' .. vim.inspect(vim.diagnostic.get(bufnr))) end
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message, source = d.source,
      code = (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or d.code,
    })
  end

  -- Quick fixes for the first diagnostic, as `:lua vim.lsp.buf.code_action()` would ask.
  local client = vim.lsp.get_client_by_id(client_id)
  local first = vim.diagnostic.get(bufnr)[1]
  -- What vim.lsp.buf.code_action() sends in 0.7: the line's diagnostics in LSP form.
  local line_diags = vim.lsp.diagnostic.get_line_diagnostics(bufnr, first.lnum)
  local resp = client.request_sync('textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = first.lnum, character = first.col }, ['end'] = { line = first.end_lnum, character = first.end_col } },
    context = { diagnostics = line_diags },
  }, 10000, bufnr)
  for _, a in ipairs((resp and resp.result) or {}) do
    table.insert(result.actions, { title = a.title, kind = a.kind, isPreferred = a.isPreferred })
  end
  local hov = client.request_sync('textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = first.lnum, character = first.col },
  }, 10000, bufnr)
  if hov and hov.result then result.hover = hov.result.contents.value end

  -- Navigation: the outline (:lua vim.lsp.buf.document_symbol()) and go to definition on `!Ref User`.
  local uri = vim.uri_from_bufnr(bufnr)
  local syms = client.request_sync('textDocument/documentSymbol', { textDocument = { uri = uri } }, 10000, bufnr)
  result.symbols = {}
  for _, s in ipairs((syms and syms.result) or {}) do
    local children = {}
    for _, c in ipairs(s.children or {}) do table.insert(children, c.name .. ' ' .. (c.detail or '')) end
    table.insert(result.symbols, { name = s.name, children = children })
  end
  local ref_line = vim.fn.search('!Ref User', 'n') - 1
  local ref_col = vim.fn.stridx(vim.api.nvim_buf_get_lines(bufnr, ref_line, ref_line + 1, false)[1], '!Ref User') + 5
  local def = client.request_sync('textDocument/definition', {
    textDocument = { uri = uri }, position = { line = ref_line, character = ref_col + 1 },
  }, 10000, bufnr)
  local loc = def and def.result and def.result[1]
  if loc then result.definition = { line = loc.range.start.line, character = loc.range.start.character, same = loc.uri == uri } end

  -- An edit in the buffer: the server gets didChange and answers with new diagnostics.
  local before = #vim.diagnostic.get(bufnr)
  local line = vim.api.nvim_buf_get_lines(bufnr, first.lnum, first.lnum + 1, false)[1]
  result.first_line = line
  vim.api.nvim_buf_set_lines(bufnr, first.lnum, first.lnum + 1, false, { (line:gsub('PublicRead', 'Private')) })
  vim.wait(30000, function() return #vim.diagnostic.get(bufnr) == before - 1 end, 50)
  result.after_edit = #vim.diagnostic.get(bufnr)
  client.stop()
end)
if not ok then result.error = tostring(err) end
finish()
