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
redis.REDIS_VERSION = '7.0.15'
redis.REDIS_VERSION_NUM = 0x0007000f
-- A script runs as a coroutine; when it fails, its stack is still there: the failing frame
-- is found as __redis__err__handler would find it (skipping JS functions and this setup).
__redis__err__locate = function(co, err)
  local level = 0
  local i = dbg.getinfo(co, level, 'nSl')
  while i and level < 20 and ((i.what ~= 'Lua' and i.what ~= 'main') or i.source == '=redis_setup') do
    level = level + 1
    i = dbg.getinfo(co, level, 'nSl')
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
`;

/**
 * FUNCTION libraries (function mode): library code runs with a proxy environment whose
 * globals are, while FUNCTION LOAD runs the library, only the library API (redis with
 * register_function, log and the version), and afterwards the real globals (Redis swaps the
 * globals' __index the same way in luaEngineCreate).
 */
export const FUNCTION_SETUP = `
local real = _G
local rawget = rawget
local api = nil
local register = rawget(real, '__redis__register_function')
rawset(real, '__redis__register_function', nil)
local library_api = {
  redis = {
    register_function = register,
    log = redis.log,
    LOG_DEBUG = redis.LOG_DEBUG,
    LOG_VERBOSE = redis.LOG_VERBOSE,
    LOG_NOTICE = redis.LOG_NOTICE,
    LOG_WARNING = redis.LOG_WARNING,
    REDIS_VERSION = redis.REDIS_VERSION,
    REDIS_VERSION_NUM = redis.REDIS_VERSION_NUM,
  },
}
-- Redis's luaSetErrorMetatable on the library API's redis table.
setmetatable(library_api.redis, {
  __index = function(_, name)
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end,
})
__redis__fn_env = setmetatable({}, {
  __index = function(_, name)
    local value
    if api then value = api[name] else value = rawget(real, name) end
    if value == nil then
      error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
    end
    return value
  end,
  __newindex = function()
    error('Attempt to modify a readonly table', 2)
  end,
})
__redis__load_library = function(chunk)
  api = library_api
  local ok, err = pcall(chunk)
  api = nil
  if not ok then error(err, 0) end
end
`;

/** Scripts may not read undefined globals nor create any (Redis's global protection). */
export const LUA_PROTECT_GLOBALS = `
setmetatable(_G, {
  __index = function(_, name)
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end,
  __newindex = function()
    error('Attempt to modify a readonly table', 2)
  end,
})
`;
