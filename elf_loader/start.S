/* Entry points of the freestanding loader (x86-64, AT&T syntax). */

	.text

/* The kernel enters here with rsp at argc (argc, argv..., NULL, envp...,
 * NULL, auxv...). Nothing else is set up: no TLS, no libc. Hand the
 * original stack pointer to C++ on an aligned stack; loader_main never
 * returns. */
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp
	mov %rsp, %rdi
	and $-16, %rsp
	call loader_main
	hlt
	.size _start, .-_start

/* void enter_program(uint64_t entry, uint64_t sp): switches to the
 * program's stack and jumps to its entry with the register state the
 * psABI (3.4.1) specifies at process entry: rsp at argc, rdx = 0 (no
 * function for atexit), every other register zero. The entry address is
 * pushed just below argc and taken by ret, so no register keeps it. */
	.globl enter_program
	.type enter_program, @function
enter_program:
	mov %rsi, %rsp
	push %rdi
	xor %eax, %eax
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %edi, %edi
	xor %ebp, %ebp
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	cld
	ret
	.size enter_program, .-enter_program

	.section .note.GNU-stack, "", @progbits
