-- Corpus case: lua5.4. Builds tables at startup; the first read of stdin
-- (io.lines) is the snapshot point. pairs() order is unspecified: keys are
-- sorted before printing.
-- snappy-test: case=lua5.4
-- snappy-test: run=lua5.4,@FILE@
-- snappy-test: stdin=input.txt
-- snappy-test: expect-exit=2
-- snappy-test: trigger=at read
local sq = {}
for i = 1, 200000 do sq[i] = i * i end
local primes = {}
for n = 2, 5000 do
  local isp = true
  for _, p in ipairs(primes) do
    if p * p > n then break end
    if n % p == 0 then isp = false break end
  end
  if isp then primes[#primes + 1] = n end
end
print(string.format("startup: %d squares, %d primes", #sq, #primes))

local nums, words = {}, {}
for line in io.lines() do
  local n = tonumber(line)
  if n then nums[#nums + 1] = n else words[#words + 1] = line end
end
print("nums: " .. table.concat(nums, " "))
local total = 0
for _, n in ipairs(nums) do total = total + sq[n] end
print("sum of squares: " .. total, "primes[100]: " .. primes[100])
table.sort(words)
print("sorted words: " .. table.concat(words, ","))
local freq = {}
for _, w in ipairs(words) do for ch in w:gmatch(".") do freq[ch] = (freq[ch] or 0) + 1 end end
local keys = {}
for k in pairs(freq) do keys[#keys + 1] = k end
table.sort(keys)
local parts = {}
for _, k in ipairs(keys) do parts[#parts + 1] = k .. "=" .. freq[k] end
print("freq: " .. table.concat(parts, " "))
print(string.format("format: %08.3f|%-6s|%+d|%x|%e|%q", 3.14159, "ab", 42, 255, 12345.678, "q\n"))
print("gsub:", (("snappy start"):gsub("(%w+)", "<%1>")), ("hello"):rep(3, "-"), ("abc"):byte(1, -1))
print("integers:", math.maxinteger, 7 // 2, 7 % -3, 2^53, 1e15, 0.1 + 0.2, 3 | 5, 6 ~ 3)
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * 10) end end)
print("coroutine:", co(), co(), co())
print("utf8:", utf8.char(72, 228, 8364), utf8.len("häll€"))
print("date:", os.date("!%Y-%m-%d %H:%M:%S %j", 1709175845))
local ok, err = pcall(function() error({code = 42}) end)
print("pcall:", ok, type(err), err.code)
io.stderr:write("lua job done\n")
os.exit(2)
