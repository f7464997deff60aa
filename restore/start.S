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

# long clone_thread(unsigned long flags, void* stack_top, uint32_t* parent_tid,
#                   uint32_t* child_tid, uint64_t tls, void (*fn)(void*), void* arg):
# clone(2) a thread that runs fn(arg) on stack_top; the caller gets the new
# tid or -errno. fn and arg ride on the new stack, the only memory the
# child does not share with a caller that may be running on.
        .globl clone_thread
clone_thread:
        mov 8(%rsp), %rax
        sub $16, %rsi
        mov %r9, (%rsi)
        mov %rax, 8(%rsi)
        mov %rcx, %r10
        mov $56, %eax
        syscall
        test %rax, %rax
        jnz 1f
# The new thread, of clone_thread or clone3_thread: fn and arg on top of
# its stack.
thread_start:
        pop %rax
        pop %rdi
        and $-16, %rsp
        call *%rax
        ud2
1:      ret

# long clone3_thread(const struct clone_args* args, size_t size): clone3(2)
# a thread (restore --pid-ns: with set_tid) on args->stack, whose top 16
# bytes hold fn and arg as clone_thread's do; the caller gets the new tid
# or -errno.
        .globl clone3_thread
clone3_thread:
        mov $435, %eax
        syscall
        test %rax, %rax
        jz thread_start
        ret

        .section .note.GNU-stack,"",@progbits
