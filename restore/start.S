# Entry points of restore that need assembly.
        .text

# The kernel enters with rsp at argc (x86-64 psABI); hand it to C++.
        .globl _start
_start:
        mov %rsp, %rdi
        and $-16, %rsp
        call restore_main
        ud2

# void run_on_stack(void* stack_top, void (*fn)(void*), void* arg):
# continue in fn(arg) on another stack; never returns.
        .globl run_on_stack
run_on_stack:
        mov %rdi, %rsp
        mov %rdx, %rdi
        call *%rsi
        ud2

# void sigreturn_to(void* frame_end_of_pretcode): rt_sigreturn reads the
# frame at rsp - 8, as if a signal handler had just returned through it.
        .globl sigreturn_to
sigreturn_to:
        mov %rdi, %rsp
        mov $15, %eax
        syscall
        ud2

# void stop_then_sigreturn(void* rsp, long pid): restore --stop. Stops the
# process (kill(pid, SIGSTOP)) with only rt_sigreturn left to run, so a
# debugger that attaches steps into the program at its snapshot point
# with two `stepi`.
        .globl stop_then_sigreturn
stop_then_sigreturn:
        mov %rdi, %rsp
        mov %rsi, %rdi
        mov $19, %esi
        mov $62, %eax
        syscall
        mov $15, %eax
        syscall
        ud2

        .section .note.GNU-stack,"",@progbits
