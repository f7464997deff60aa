# Corpus case: tclsh 8.6. Builds a dict and a list at startup, marks the
# snapshot point with `file exists /proc/snappy-start/checkpoint` (an
# access() call; its result is not printed: it differs restored), then
# reads lines from stdin. Arrays and dicts are printed sorted.
# Why a marker: Tcl's startup calls getpwuid(getuid()) for
# tcl_platform(user), and glibc's NSS first tries nscd's socket: socket() is
# outside the model.
# snappy-test: case=tclsh
# snappy-test: run=tclsh,@FILE@
# snappy-test: stdin=input.txt
set squares [dict create]
for {set i 1} {$i <= 5000} {incr i} { dict set squares $i [expr {$i * $i}] }
set fib {0 1}
for {set i 2} {$i < 60} {incr i} {
    lappend fib [expr {[lindex $fib end] + [lindex $fib end-1]}]
}
puts "startup: [dict size $squares] squares, [llength $fib] fibonacci numbers"
flush stdout

set restored [file exists /proc/snappy-start/checkpoint]

set nums {}
set words {}
while {[gets stdin line] >= 0} {
    if {[string is integer -strict $line]} { lappend nums $line } else { lappend words $line }
}
puts "nums: $nums"
puts "sum: [tcl::mathop::+ {*}$nums] max: [tcl::mathfunc::max {*}$nums]"
puts "squares: [lmap n $nums {dict get $squares $n}]"
puts "fib(59): [lindex $fib 59] 2**100: [expr {2**100}]"
puts "sorted words: [lsort $words] by length: [lsort -command {apply {{a b} {expr {[string length $a] - [string length $b]}}}} $words]"
array set freq {}
foreach w $words { foreach ch [split $w ""] { incr freq($ch) } }
puts "freq: [lmap k [lsort [array names freq]] {string cat $k=$freq($k)}]"
puts "format: [format {%08.3f|%-6s|%+d|%x|%e} 3.14159 ab 42 255 12345.678]"
puts "regsub: [regsub -all {(\w)(\w*)} [join $words] {\2\1ay}]"
puts "string: [string toupper [join $words -]] [string reverse abcdef] [string map {a 4 e 3} [join $words]]"
puts "clock: [clock format 1709175845 -format {%Y-%m-%d %H:%M:%S %j} -gmt 1]"
puts "binary: [binary encode hex [binary format IS 66051 -2]] [binary encode base64 snappy-start]"
proc fact {n} { expr {$n <= 1 ? 1 : $n * [fact [expr {$n - 1}]]} }
puts "fact(25): [fact 25]"
puts "dict: [dict create b 2 a 1 c 3] keys sorted: [lsort [dict keys [dict create b 2 a 1 c 3]]]"
puts stderr "tcl job done"
exit 0
