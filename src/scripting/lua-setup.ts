/**
 * Lua run once in a fresh state, before scripts: Redis 7.0's error handler (errors become
 * tables with the script position), the removed functions, and the global protection
 * (scripts may not read undefined globals nor create any).
 */
export const LUA_SETUP = `
local dbg = debug
__redis__err__handler = function(err)
  -- The position is the script's: skip JS functions (redis.call, error) and this setup
  -- chunk's Lua (the global protection), as Redis's C functions are skipped.
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  while i and level < 10 and ((i.what ~= 'Lua' and i.what ~= 'main') or i.source == '=redis_setup') do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then
    err = {err = 'ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
-- Lua 5.1 names that scripts use and 5.3 dropped.
unpack = table.unpack
loadstring = load
math.pow = function(x, y) return x ^ y end
table.getn = function(t) return #t end
dofile = nil
loadfile = nil
print = nil
os = {clock = os.clock}
redis.LOG_DEBUG = 0
redis.LOG_VERBOSE = 1
redis.LOG_NOTICE = 2
redis.LOG_WARNING = 3
redis.REPL_NONE = 0
redis.REPL_AOF = 1
redis.REPL_SLAVE = 2
redis.REPL_REPLICA = 2
redis.REPL_ALL = 3
redis.replicate_commands = function() return true end
redis.set_repl = function() end
setmetatable(_G, {
  __index = function(_, name)
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end,
  __newindex = function()
    error('Attempt to modify a readonly table', 2)
  end,
})
`;
