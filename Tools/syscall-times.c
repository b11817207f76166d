// Timestamps a process's epoll_wait, read/recv and write/send/sendto/sendmsg calls (entry and
// return, CLOCK_MONOTONIC, so comparable across processes) into memory, written out at exit to
// $SHIM_OUT.<pid>. Children inherit it. Used for W1's syscall timeline in docs/performance.md:
//
//   cc -O2 -shared -fPIC -o /tmp/shim.so Tools/syscall-times.c -ldl
//   LD_PRELOAD=/tmp/shim.so SHIM_OUT=/tmp/srv .build/release/livesolve serve --http-port 18080 &
//   LD_PRELOAD=/tmp/shim.so SHIM_OUT=/tmp/cli .build/release/livesolve bench w1 \
//       --stream Benchmarks/streams/afiro.jsonl.gz --url ws://127.0.0.1:18080
//   kill -TERM %1; python3 Tools/w1-timeline.py /tmp/cli /tmp/srv
//
// Each line: microseconds, thread id, event (E/e epoll_wait in/out, R/r read, W/w write; upper
// case on entry, lower case on return), descriptor, bytes (or the count returned), and the CPU
// the call was made on (which shows how the scheduler places the three processes).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
typedef struct { double t; int tid; int fd; char ev; long n; int cpu; } Rec;
enum { cap = 1 << 22 };
static Rec *recs; static volatile long count; static int on;
static double now(void){ struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec*1e6+t.tv_nsec/1e3; }
static void rec(char ev,int fd,long n){ if(!on) return; long i=__atomic_fetch_add(&count,1,__ATOMIC_RELAXED); if(i<cap){ recs[i]=(Rec){now(),(int)syscall(SYS_gettid),fd,ev,n,sched_getcpu()}; } }
__attribute__((constructor)) static void init(void){ if(getenv("SHIM_OUT")){ recs=malloc(sizeof(Rec)*cap); on=1; } }
__attribute__((destructor)) static void fini(void){ if(!on) return; on=0; char p[256]; snprintf(p,sizeof p,"%s.%d",getenv("SHIM_OUT"),getpid()); FILE*f=fopen(p,"w"); long c=count<cap?count:cap; for(long i=0;i<c;i++) fprintf(f,"%.3f %d %c %d %ld %d\n",recs[i].t,recs[i].tid,recs[i].ev,recs[i].fd,recs[i].n,recs[i].cpu); fclose(f); }
#define REAL(name) static __typeof__(name) *real_##name; if(!real_##name) real_##name = dlsym(RTLD_NEXT, #name)
int epoll_wait(int e, struct epoll_event *ev, int m, int to){ REAL(epoll_wait); rec('E',e,0); int r=real_epoll_wait(e,ev,m,to); rec('e',e,r); return r; }
ssize_t read(int fd, void *b, size_t n){ REAL(read); rec('R',fd,0); ssize_t r=real_read(fd,b,n); rec('r',fd,r); return r; }
ssize_t recv(int fd, void *b, size_t n, int fl){ REAL(recv); rec('R',fd,0); ssize_t r=real_recv(fd,b,n,fl); rec('r',fd,r); return r; }
ssize_t write(int fd, const void *b, size_t n){ REAL(write); rec('W',fd,n); ssize_t r=real_write(fd,b,n); rec('w',fd,r); return r; }
ssize_t send(int fd, const void *b, size_t n, int fl){ REAL(send); rec('W',fd,n); ssize_t r=real_send(fd,b,n,fl); rec('w',fd,r); return r; }
ssize_t sendto(int fd, const void *b, size_t n, int fl, const struct sockaddr *a, socklen_t l){ REAL(sendto); rec('W',fd,n); ssize_t r=real_sendto(fd,b,n,fl,a,l); rec('w',fd,r); return r; }
ssize_t sendmsg(int fd, const struct msghdr *m, int fl){ REAL(sendmsg); rec('W',fd,-1); ssize_t r=real_sendmsg(fd,m,fl); rec('w',fd,r); return r; }
