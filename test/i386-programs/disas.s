# Instructions whose disassembly test/i386-decode.test.ts compares with GNU objdump's.
# Assembled and linked by the test with i686-linux-gnu-as and -ld; every line of `objdump -d` must match.
.text
shl %eax
shl $1,%eax
shlb (%eax)
sar $3,%ecx
shl %cl,%edx
rep stosl
rep stosb
rep movsb
rep movsl
movsb
lodsl
scasb
repz cmpsb
repnz scasb
cmpsl
xchg %ax,%ax
nop
nopw 0x0(%eax,%eax,1)
nopl 0x0(%eax)
lea 0x0(,%eax,4),%edx
mov 0x804a000,%eax
mov %eax,0x804a000
mov 0x804a000,%ecx
movl $1,(%esp)
movl $-1,-4(%ebp)
add $-1,%eax
add $-1,%ax
push $-1
push $0x1000
call *%eax
call *8(%eax)
jmp *%eax
call *%gs:0x10
mov %gs:0x14,%eax
mov %eax,%gs
mov %gs,%eax
movzbl %al,%eax
movsbw %al,%ax
movzwl (%eax),%eax
cbtw
cwtl
cwtd
cltd
imul $12,%eax,%edx
imul %edx,%eax
imul $5,%eax
test $1,%al
testl $1,(%eax)
int $0x80
int3
ret $4
enter $8,$0
pusha
popa
pushf
popf
xlat
bt %eax,%edx
bts $3,%eax
btl $3,(%eax)
shld $4,%eax,%edx
shld %cl,%eax,%edx
lock cmpxchg %ecx,(%edx)
cmpxchg8b (%esi)
xadd %eax,(%edx)
incl (%eax)
inc %eax
incb (%eax)
notl (%eax)
divl 8(%esp)
idiv %ecx
mulb %cl
movb $1,(%eax)
mov $1,%al
mov %al,0x804a000
rep ret
sete %al
setne (%eax)
cmove %edx,%eax
bswap %eax
xchg %eax,%edx
xchg %eax,(%edx)
lahf
sahf
cmc
clc
stc
cld
std
hlt
ud2
cpuid
rdtsc
leave
movw $1,(%eax)
addw $1,(%eax)
addl $0x100,(%eax)
and $0xfffffff0,%esp
sub $0x10,%esp
mov -0x80(%ebp),%eax
mov -0x100(%ebp),%eax
mov 0x100(%ebp),%eax
mov (%esp),%eax
mov (%ebp),%eax
mov 0(,%eax,1),%eax
jecxz .
loop .
rcl %eax
rcr $2,%eax
rol %cl,%eax
neg %eax
bsf %eax,%edx
bsr (%eax),%edx
movsl %ds:(%esi),%es:(%edi)
stos %eax,%es:(%edi)
fs movsb
.byte 0x8d,0x74,0x26,0x00  # lea 0x0(%esi,%eiz,1),%esi: a SIB byte without index
add %eax,%ebx
add %al,(%ecx)
add (%ecx),%dx
add $5,%al
add $0x1234,%eax
add $0x12,%ax
addl $3,8(%ebp,%esi,2)
addb $3,(%eax)
addw $0x1234,(%eax)
add -0x10(%esp),%ecx
addl $0x12345678,%fs:0x20
or %eax,%ebx
or %al,(%ecx)
or (%ecx),%dx
or $5,%al
or $0x1234,%eax
or $0x12,%ax
orl $3,8(%ebp,%esi,2)
orb $3,(%eax)
orw $0x1234,(%eax)
or -0x10(%esp),%ecx
orl $0x12345678,%fs:0x20
adc %eax,%ebx
adc %al,(%ecx)
adc (%ecx),%dx
adc $5,%al
adc $0x1234,%eax
adc $0x12,%ax
adcl $3,8(%ebp,%esi,2)
adcb $3,(%eax)
adcw $0x1234,(%eax)
adc -0x10(%esp),%ecx
adcl $0x12345678,%fs:0x20
sbb %eax,%ebx
sbb %al,(%ecx)
sbb (%ecx),%dx
sbb $5,%al
sbb $0x1234,%eax
sbb $0x12,%ax
sbbl $3,8(%ebp,%esi,2)
sbbb $3,(%eax)
sbbw $0x1234,(%eax)
sbb -0x10(%esp),%ecx
sbbl $0x12345678,%fs:0x20
and %eax,%ebx
and %al,(%ecx)
and (%ecx),%dx
and $5,%al
and $0x1234,%eax
and $0x12,%ax
andl $3,8(%ebp,%esi,2)
andb $3,(%eax)
andw $0x1234,(%eax)
and -0x10(%esp),%ecx
andl $0x12345678,%fs:0x20
sub %eax,%ebx
sub %al,(%ecx)
sub (%ecx),%dx
sub $5,%al
sub $0x1234,%eax
sub $0x12,%ax
subl $3,8(%ebp,%esi,2)
subb $3,(%eax)
subw $0x1234,(%eax)
sub -0x10(%esp),%ecx
subl $0x12345678,%fs:0x20
xor %eax,%ebx
xor %al,(%ecx)
xor (%ecx),%dx
xor $5,%al
xor $0x1234,%eax
xor $0x12,%ax
xorl $3,8(%ebp,%esi,2)
xorb $3,(%eax)
xorw $0x1234,(%eax)
xor -0x10(%esp),%ecx
xorl $0x12345678,%fs:0x20
cmp %eax,%ebx
cmp %al,(%ecx)
cmp (%ecx),%dx
cmp $5,%al
cmp $0x1234,%eax
cmp $0x12,%ax
cmpl $3,8(%ebp,%esi,2)
cmpb $3,(%eax)
cmpw $0x1234,(%eax)
cmp -0x10(%esp),%ecx
cmpl $0x12345678,%fs:0x20
rol %bl
rol $3,%dx
rol %cl,%esi
roll $7,4(%eax)
rolw %cl,(%ebx)
ror %bl
ror $3,%dx
ror %cl,%esi
rorl $7,4(%eax)
rorw %cl,(%ebx)
rcl %bl
rcl $3,%dx
rcl %cl,%esi
rcll $7,4(%eax)
rclw %cl,(%ebx)
rcr %bl
rcr $3,%dx
rcr %cl,%esi
rcrl $7,4(%eax)
rcrw %cl,(%ebx)
shl %bl
shl $3,%dx
shl %cl,%esi
shll $7,4(%eax)
shlw %cl,(%ebx)
shr %bl
shr $3,%dx
shr %cl,%esi
shrl $7,4(%eax)
shrw %cl,(%ebx)
sar %bl
sar $3,%dx
sar %cl,%esi
sarl $7,4(%eax)
sarw %cl,(%ebx)
seto %cl
cmovo 4(%esi),%edi
cmovo %ax,%bx
jo .+0x100
jo .
setno %cl
cmovno 4(%esi),%edi
cmovno %ax,%bx
jno .+0x100
jno .
setb %cl
cmovb 4(%esi),%edi
cmovb %ax,%bx
jb .+0x100
jb .
setae %cl
cmovae 4(%esi),%edi
cmovae %ax,%bx
jae .+0x100
jae .
sete %cl
cmove 4(%esi),%edi
cmove %ax,%bx
je .+0x100
je .
setne %cl
cmovne 4(%esi),%edi
cmovne %ax,%bx
jne .+0x100
jne .
setbe %cl
cmovbe 4(%esi),%edi
cmovbe %ax,%bx
jbe .+0x100
jbe .
seta %cl
cmova 4(%esi),%edi
cmova %ax,%bx
ja .+0x100
ja .
sets %cl
cmovs 4(%esi),%edi
cmovs %ax,%bx
js .+0x100
js .
setns %cl
cmovns 4(%esi),%edi
cmovns %ax,%bx
jns .+0x100
jns .
setp %cl
cmovp 4(%esi),%edi
cmovp %ax,%bx
jp .+0x100
jp .
setnp %cl
cmovnp 4(%esi),%edi
cmovnp %ax,%bx
jnp .+0x100
jnp .
setl %cl
cmovl 4(%esi),%edi
cmovl %ax,%bx
jl .+0x100
jl .
setge %cl
cmovge 4(%esi),%edi
cmovge %ax,%bx
jge .+0x100
jge .
setle %cl
cmovle 4(%esi),%edi
cmovle %ax,%bx
jle .+0x100
jle .
setg %cl
cmovg 4(%esi),%edi
cmovg %ax,%bx
jg .+0x100
jg .
push %eax
pop %eax
inc %eax
dec %eax
mov $0x12345678,%eax
mov (%eax),%eax
mov 0x10(%eax),%eax
mov 0x1000(%eax,%ecx,8),%eax
lea 0x4(%eax,%eax,1),%ecx
push %ecx
pop %ecx
inc %ecx
dec %ecx
mov $0x12345678,%ecx
mov (%ecx),%eax
mov 0x10(%ecx),%eax
mov 0x1000(%ecx,%ecx,8),%eax
lea 0x4(%eax,%ecx,1),%ecx
push %edx
pop %edx
inc %edx
dec %edx
mov $0x12345678,%edx
mov (%edx),%eax
mov 0x10(%edx),%eax
mov 0x1000(%edx,%ecx,8),%eax
lea 0x4(%eax,%edx,1),%ecx
push %ebx
pop %ebx
inc %ebx
dec %ebx
mov $0x12345678,%ebx
mov (%ebx),%eax
mov 0x10(%ebx),%eax
mov 0x1000(%ebx,%ecx,8),%eax
lea 0x4(%eax,%ebx,1),%ecx
push %esp
pop %esp
inc %esp
dec %esp
mov $0x12345678,%esp
mov (%esp),%eax
mov 0x10(%esp),%eax
mov 0x1000(%esp,%ecx,8),%eax
lea 0x4(%esp),%ecx
push %ebp
pop %ebp
inc %ebp
dec %ebp
mov $0x12345678,%ebp
mov (%ebp),%eax
mov 0x10(%ebp),%eax
mov 0x1000(%ebp,%ecx,8),%eax
lea 0x4(%eax,%ebp,1),%ecx
push %esi
pop %esi
inc %esi
dec %esi
mov $0x12345678,%esi
mov (%esi),%eax
mov 0x10(%esi),%eax
mov 0x1000(%esi,%ecx,8),%eax
lea 0x4(%eax,%esi,1),%ecx
push %edi
pop %edi
inc %edi
dec %edi
mov $0x12345678,%edi
mov (%edi),%eax
mov 0x10(%edi),%eax
mov 0x1000(%edi,%ecx,8),%eax
lea 0x4(%eax,%edi,1),%ecx
mov %ah,%bh
mov %ch,(%eax)
movb $0x7f,%dh
pushw %ax
popw %bx
push %gs
pop %gs
push %fs
pop %fs
mul %ecx
mulw (%eax)
imul %cl
imull (%esp)
div %bl
idivw %cx
neg %dl
notw %ax
negl (%eax)
xchg %bl,%cl
xchg %ax,%dx
test %ch,%cl
testw $0x1234,(%ebx)
test $0x12345678,%eax
test $0x1234,%ax
movsbl (%eax),%edx
movswl %ax,%ecx
movzbw (%eax),%dx
movsbw %bl,%cx
bt %ax,%dx
btr %ecx,(%eax)
btc $31,%ebx
btsw $3,(%eax)
bsf %ax,%dx
bsr %ecx,%edx
shrd $4,%eax,%edx
shrd %cl,%ax,(%ebx)
shld $1,%bx,%cx
xadd %cl,%dl
cmpxchg %ax,(%ebx)
lock xadd %eax,(%ecx)
lock incl (%eax)
lock addl $1,(%eax)
rep stosw
rep lodsb
repnz scasl
repz cmpsl
rep movsw
stosb
lodsw
scasl
movsw
cmpsw
mov %es,%eax
mov %ds,(%eax)
mov %ax,%fs
mov (%ebx),%gs
nopl 0x0(%eax,%eax,1)
nopw 0x0(%eax,%eax,1)
nopl 0x0(%eax)
nop %eax
mov %gs:0x0,%eax
mov %eax,%gs:0x4
mov %fs:(%eax),%ecx
mov %es:(%ebx,%esi,2),%dx
movb $1,%ss:(%ebp)
addl $1,%cs:0x10
sub $0x80,%esp
add $0x7f,%esp
sub $-0x80,%eax
add $0x100,%cx
cwtd
pushfw
popfw
pusha
popa
loope .
loopne .
jmp .+0x1000
call .+0x1000
ret
ret $0x10
leave
enter $0x10,$0
int $3
int $0x81
rdtsc
cpuid
ud2
bswap %esi
cmpxchg8b 8(%ebx)
lahf
sahf
xlat %es:(%ebx)
