// SNMP and netstat counters, as /proc/net/snmp and /proc/net/netstat name them.
// Linux: include/uapi/linux/snmp.h (indices) and net/ipv4/proc.c (names). The name
// tables live in the kernel, as in proc.c, so the host reads them and never mirrors them.
// Generated once from this machine's /proc; the names are Linux's, the order /proc's.
// Counters are u32 per field (Linux keeps unsigned long), wrapping as on a 32-bit kernel.

// Ip: (20 fields)
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_FORWARDING: u32 = 0;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_DEFAULTTTL: u32 = 1;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_INRECEIVES: u32 = 2;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_INHDRERRORS: u32 = 3;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_INADDRERRORS: u32 = 4;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_FORWDATAGRAMS: u32 = 5;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_INUNKNOWNPROTOS: u32 = 6;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_INDISCARDS: u32 = 7;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_INDELIVERS: u32 = 8;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_OUTREQUESTS: u32 = 9;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_OUTDISCARDS: u32 = 10;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_OUTNOROUTES: u32 = 11;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_REASMTIMEOUT: u32 = 12;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_REASMREQDS: u32 = 13;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_REASMOKS: u32 = 14;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_REASMFAILS: u32 = 15;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_FRAGOKS: u32 = 16;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_FRAGFAILS: u32 = 17;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_FRAGCREATES: u32 = 18;
// @ts-ignore: decorator
@inline export const IPSTATS_MIB_OUTTRANSMITS: u32 = 19;
// Icmp: (29 fields)
// @ts-ignore: decorator
@inline export const ICMP_MIB_INMSGS: u32 = 20;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INERRORS: u32 = 21;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INCSUMERRORS: u32 = 22;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INDESTUNREACHS: u32 = 23;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INTIMEEXCDS: u32 = 24;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INPARMPROBS: u32 = 25;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INSRCQUENCHS: u32 = 26;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INREDIRECTS: u32 = 27;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INECHOS: u32 = 28;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INECHOREPS: u32 = 29;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INTIMESTAMPS: u32 = 30;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INTIMESTAMPREPS: u32 = 31;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INADDRMASKS: u32 = 32;
// @ts-ignore: decorator
@inline export const ICMP_MIB_INADDRMASKREPS: u32 = 33;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTMSGS: u32 = 34;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTERRORS: u32 = 35;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTRATELIMITGLOBAL: u32 = 36;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTRATELIMITHOST: u32 = 37;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTDESTUNREACHS: u32 = 38;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTTIMEEXCDS: u32 = 39;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTPARMPROBS: u32 = 40;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTSRCQUENCHS: u32 = 41;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTREDIRECTS: u32 = 42;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTECHOS: u32 = 43;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTECHOREPS: u32 = 44;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTTIMESTAMPS: u32 = 45;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTTIMESTAMPREPS: u32 = 46;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTADDRMASKS: u32 = 47;
// @ts-ignore: decorator
@inline export const ICMP_MIB_OUTADDRMASKREPS: u32 = 48;
// Tcp: (15 fields)
// @ts-ignore: decorator
@inline export const TCP_MIB_RTOALGORITHM: u32 = 49;
// @ts-ignore: decorator
@inline export const TCP_MIB_RTOMIN: u32 = 50;
// @ts-ignore: decorator
@inline export const TCP_MIB_RTOMAX: u32 = 51;
// @ts-ignore: decorator
@inline export const TCP_MIB_MAXCONN: u32 = 52;
// @ts-ignore: decorator
@inline export const TCP_MIB_ACTIVEOPENS: u32 = 53;
// @ts-ignore: decorator
@inline export const TCP_MIB_PASSIVEOPENS: u32 = 54;
// @ts-ignore: decorator
@inline export const TCP_MIB_ATTEMPTFAILS: u32 = 55;
// @ts-ignore: decorator
@inline export const TCP_MIB_ESTABRESETS: u32 = 56;
// @ts-ignore: decorator
@inline export const TCP_MIB_CURRESTAB: u32 = 57;
// @ts-ignore: decorator
@inline export const TCP_MIB_INSEGS: u32 = 58;
// @ts-ignore: decorator
@inline export const TCP_MIB_OUTSEGS: u32 = 59;
// @ts-ignore: decorator
@inline export const TCP_MIB_RETRANSSEGS: u32 = 60;
// @ts-ignore: decorator
@inline export const TCP_MIB_INERRS: u32 = 61;
// @ts-ignore: decorator
@inline export const TCP_MIB_OUTRSTS: u32 = 62;
// @ts-ignore: decorator
@inline export const TCP_MIB_INCSUMERRORS: u32 = 63;
// Udp: (9 fields)
// @ts-ignore: decorator
@inline export const UDP_MIB_INDATAGRAMS: u32 = 64;
// @ts-ignore: decorator
@inline export const UDP_MIB_NOPORTS: u32 = 65;
// @ts-ignore: decorator
@inline export const UDP_MIB_INERRORS: u32 = 66;
// @ts-ignore: decorator
@inline export const UDP_MIB_OUTDATAGRAMS: u32 = 67;
// @ts-ignore: decorator
@inline export const UDP_MIB_RCVBUFERRORS: u32 = 68;
// @ts-ignore: decorator
@inline export const UDP_MIB_SNDBUFERRORS: u32 = 69;
// @ts-ignore: decorator
@inline export const UDP_MIB_INCSUMERRORS: u32 = 70;
// @ts-ignore: decorator
@inline export const UDP_MIB_IGNOREDMULTI: u32 = 71;
// @ts-ignore: decorator
@inline export const UDP_MIB_MEMERRORS: u32 = 72;
// TcpExt: (135 fields)
// @ts-ignore: decorator
@inline export const LINUX_MIB_SYNCOOKIESSENT: u32 = 73;
// @ts-ignore: decorator
@inline export const LINUX_MIB_SYNCOOKIESRECV: u32 = 74;
// @ts-ignore: decorator
@inline export const LINUX_MIB_SYNCOOKIESFAILED: u32 = 75;
// @ts-ignore: decorator
@inline export const LINUX_MIB_EMBRYONICRSTS: u32 = 76;
// @ts-ignore: decorator
@inline export const LINUX_MIB_PRUNECALLED: u32 = 77;
// @ts-ignore: decorator
@inline export const LINUX_MIB_RCVPRUNED: u32 = 78;
// @ts-ignore: decorator
@inline export const LINUX_MIB_OFOPRUNED: u32 = 79;
// @ts-ignore: decorator
@inline export const LINUX_MIB_OUTOFWINDOWICMPS: u32 = 80;
// @ts-ignore: decorator
@inline export const LINUX_MIB_LOCKDROPPEDICMPS: u32 = 81;
// @ts-ignore: decorator
@inline export const LINUX_MIB_ARPFILTER: u32 = 82;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TW: u32 = 83;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TWRECYCLED: u32 = 84;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TWKILLED: u32 = 85;
// @ts-ignore: decorator
@inline export const LINUX_MIB_PAWSACTIVE: u32 = 86;
// @ts-ignore: decorator
@inline export const LINUX_MIB_PAWSESTAB: u32 = 87;
// @ts-ignore: decorator
@inline export const LINUX_MIB_BEYONDWINDOW: u32 = 88;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TSECRREJECTED: u32 = 89;
// @ts-ignore: decorator
@inline export const LINUX_MIB_PAWSOLDACK: u32 = 90;
// @ts-ignore: decorator
@inline export const LINUX_MIB_PAWSTIMEWAIT: u32 = 91;
// @ts-ignore: decorator
@inline export const LINUX_MIB_DELAYEDACKS: u32 = 92;
// @ts-ignore: decorator
@inline export const LINUX_MIB_DELAYEDACKLOCKED: u32 = 93;
// @ts-ignore: decorator
@inline export const LINUX_MIB_DELAYEDACKLOST: u32 = 94;
// @ts-ignore: decorator
@inline export const LINUX_MIB_LISTENOVERFLOWS: u32 = 95;
// @ts-ignore: decorator
@inline export const LINUX_MIB_LISTENDROPS: u32 = 96;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPHPHITS: u32 = 97;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPPUREACKS: u32 = 98;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPHPACKS: u32 = 99;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPRENORECOVERY: u32 = 100;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSACKRECOVERY: u32 = 101;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSACKRENEGING: u32 = 102;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSACKREORDER: u32 = 103;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPRENOREORDER: u32 = 104;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPTSREORDER: u32 = 105;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFULLUNDO: u32 = 106;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPPARTIALUNDO: u32 = 107;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDSACKUNDO: u32 = 108;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPLOSSUNDO: u32 = 109;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPLOSTRETRANSMIT: u32 = 110;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPRENOFAILURES: u32 = 111;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSACKFAILURES: u32 = 112;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPLOSSFAILURES: u32 = 113;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFASTRETRANS: u32 = 114;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSLOWSTARTRETRANS: u32 = 115;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPTIMEOUTS: u32 = 116;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPLOSSPROBES: u32 = 117;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPLOSSPROBERECOVERY: u32 = 118;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPRENORECOVERYFAIL: u32 = 119;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSACKRECOVERYFAIL: u32 = 120;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPRCVCOLLAPSED: u32 = 121;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPBACKLOGCOALESCE: u32 = 122;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDSACKOLDSENT: u32 = 123;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDSACKOFOSENT: u32 = 124;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDSACKRECV: u32 = 125;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDSACKOFORECV: u32 = 126;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPABORTONDATA: u32 = 127;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPABORTONCLOSE: u32 = 128;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPABORTONMEMORY: u32 = 129;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPABORTONTIMEOUT: u32 = 130;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPABORTONLINGER: u32 = 131;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPABORTFAILED: u32 = 132;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPMEMORYPRESSURES: u32 = 133;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPMEMORYPRESSURESCHRONO: u32 = 134;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSACKDISCARD: u32 = 135;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDSACKIGNOREDOLD: u32 = 136;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDSACKIGNOREDNOUNDO: u32 = 137;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSPURIOUSRTOS: u32 = 138;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPMD5NOTFOUND: u32 = 139;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPMD5UNEXPECTED: u32 = 140;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPMD5FAILURE: u32 = 141;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSACKSHIFTED: u32 = 142;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSACKMERGED: u32 = 143;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSACKSHIFTFALLBACK: u32 = 144;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPBACKLOGDROP: u32 = 145;
// @ts-ignore: decorator
@inline export const LINUX_MIB_PFMEMALLOCDROP: u32 = 146;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPMINTTLDROP: u32 = 147;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDEFERACCEPTDROP: u32 = 148;
// @ts-ignore: decorator
@inline export const LINUX_MIB_IPREVERSEPATHFILTER: u32 = 149;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPTIMEWAITOVERFLOW: u32 = 150;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPREQQFULLDOCOOKIES: u32 = 151;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPREQQFULLDROP: u32 = 152;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPRETRANSFAIL: u32 = 153;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPRCVCOALESCE: u32 = 154;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPOFOQUEUE: u32 = 155;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPOFODROP: u32 = 156;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPOFOMERGE: u32 = 157;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPCHALLENGEACK: u32 = 158;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSYNCHALLENGE: u32 = 159;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFASTOPENACTIVE: u32 = 160;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFASTOPENACTIVEFAIL: u32 = 161;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFASTOPENPASSIVE: u32 = 162;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFASTOPENPASSIVEFAIL: u32 = 163;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFASTOPENLISTENOVERFLOW: u32 = 164;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFASTOPENCOOKIEREQD: u32 = 165;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFASTOPENBLACKHOLE: u32 = 166;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSPURIOUSRTXHOSTQUEUES: u32 = 167;
// @ts-ignore: decorator
@inline export const LINUX_MIB_BUSYPOLLRXPACKETS: u32 = 168;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPAUTOCORKING: u32 = 169;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFROMZEROWINDOWADV: u32 = 170;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPTOZEROWINDOWADV: u32 = 171;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPWANTZEROWINDOWADV: u32 = 172;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPSYNRETRANS: u32 = 173;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPORIGDATASENT: u32 = 174;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPHYSTARTTRAINDETECT: u32 = 175;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPHYSTARTTRAINCWND: u32 = 176;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPHYSTARTDELAYDETECT: u32 = 177;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPHYSTARTDELAYCWND: u32 = 178;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPACKSKIPPEDSYNRECV: u32 = 179;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPACKSKIPPEDPAWS: u32 = 180;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPACKSKIPPEDSEQ: u32 = 181;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPACKSKIPPEDFINWAIT2: u32 = 182;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPACKSKIPPEDTIMEWAIT: u32 = 183;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPACKSKIPPEDCHALLENGE: u32 = 184;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPWINPROBE: u32 = 185;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPKEEPALIVE: u32 = 186;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPMTUPFAIL: u32 = 187;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPMTUPSUCCESS: u32 = 188;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDELIVERED: u32 = 189;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDELIVEREDCE: u32 = 190;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPACKCOMPRESSED: u32 = 191;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPZEROWINDOWDROP: u32 = 192;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPRCVQDROP: u32 = 193;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPWQUEUETOOBIG: u32 = 194;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPFASTOPENPASSIVEALTKEY: u32 = 195;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPTIMEOUTREHASH: u32 = 196;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDUPLICATEDATAREHASH: u32 = 197;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDSACKRECVSEGS: u32 = 198;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPDSACKIGNOREDDUBIOUS: u32 = 199;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPMIGRATEREQSUCCESS: u32 = 200;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPMIGRATEREQFAILURE: u32 = 201;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPPLBREHASH: u32 = 202;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPAOREQUIRED: u32 = 203;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPAOBAD: u32 = 204;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPAOKEYNOTFOUND: u32 = 205;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPAOGOOD: u32 = 206;
// @ts-ignore: decorator
@inline export const LINUX_MIB_TCPAODROPPEDICMPS: u32 = 207;
// IpExt: (18 fields)
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INNOROUTES: u32 = 208;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INTRUNCATEDPKTS: u32 = 209;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INMCASTPKTS: u32 = 210;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_OUTMCASTPKTS: u32 = 211;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INBCASTPKTS: u32 = 212;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_OUTBCASTPKTS: u32 = 213;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INOCTETS: u32 = 214;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_OUTOCTETS: u32 = 215;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INMCASTOCTETS: u32 = 216;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_OUTMCASTOCTETS: u32 = 217;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INBCASTOCTETS: u32 = 218;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_OUTBCASTOCTETS: u32 = 219;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INCSUMERRORS: u32 = 220;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INNOECTPKTS: u32 = 221;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INECT1PKTS: u32 = 222;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INECT0PKTS: u32 = 223;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_INCEPKTS: u32 = 224;
// @ts-ignore: decorator
@inline export const IPEXT_MIB_REASMOVERLAPS: u32 = 225;

// @ts-ignore: decorator
@inline export const MIB_MAX: u32 = 226;
export const MIB_GROUPS: StaticArray<string> = ["Ip", "Icmp", "Tcp", "Udp", "TcpExt", "IpExt"];
export const MIB_GROUP_START: StaticArray<u32> = [0, 20, 49, 64, 73, 208, 226];
export const MIB_NAMES: StaticArray<string> = [
"Forwarding", "DefaultTTL", "InReceives", "InHdrErrors", "InAddrErrors", "ForwDatagrams", "InUnknownProtos", "InDiscards", "InDelivers", "OutRequests", "OutDiscards", "OutNoRoutes", "ReasmTimeout", "ReasmReqds", "ReasmOKs", "ReasmFails", "FragOKs", "FragFails", "FragCreates", "OutTransmits",
"InMsgs", "InErrors", "InCsumErrors", "InDestUnreachs", "InTimeExcds", "InParmProbs", "InSrcQuenchs", "InRedirects", "InEchos", "InEchoReps", "InTimestamps", "InTimestampReps", "InAddrMasks", "InAddrMaskReps", "OutMsgs", "OutErrors", "OutRateLimitGlobal", "OutRateLimitHost", "OutDestUnreachs", "OutTimeExcds", "OutParmProbs", "OutSrcQuenchs", "OutRedirects", "OutEchos", "OutEchoReps", "OutTimestamps", "OutTimestampReps", "OutAddrMasks", "OutAddrMaskReps",
"RtoAlgorithm", "RtoMin", "RtoMax", "MaxConn", "ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab", "InSegs", "OutSegs", "RetransSegs", "InErrs", "OutRsts", "InCsumErrors",
"InDatagrams", "NoPorts", "InErrors", "OutDatagrams", "RcvbufErrors", "SndbufErrors", "InCsumErrors", "IgnoredMulti", "MemErrors",
"SyncookiesSent", "SyncookiesRecv", "SyncookiesFailed", "EmbryonicRsts", "PruneCalled", "RcvPruned", "OfoPruned", "OutOfWindowIcmps", "LockDroppedIcmps", "ArpFilter", "TW", "TWRecycled", "TWKilled", "PAWSActive", "PAWSEstab", "BeyondWindow", "TSEcrRejected", "PAWSOldAck", "PAWSTimewait", "DelayedACKs", "DelayedACKLocked", "DelayedACKLost", "ListenOverflows", "ListenDrops", "TCPHPHits", "TCPPureAcks", "TCPHPAcks", "TCPRenoRecovery", "TCPSackRecovery", "TCPSACKReneging", "TCPSACKReorder", "TCPRenoReorder", "TCPTSReorder", "TCPFullUndo", "TCPPartialUndo", "TCPDSACKUndo", "TCPLossUndo", "TCPLostRetransmit", "TCPRenoFailures", "TCPSackFailures", "TCPLossFailures", "TCPFastRetrans", "TCPSlowStartRetrans", "TCPTimeouts", "TCPLossProbes", "TCPLossProbeRecovery", "TCPRenoRecoveryFail", "TCPSackRecoveryFail", "TCPRcvCollapsed", "TCPBacklogCoalesce", "TCPDSACKOldSent", "TCPDSACKOfoSent", "TCPDSACKRecv", "TCPDSACKOfoRecv", "TCPAbortOnData", "TCPAbortOnClose", "TCPAbortOnMemory", "TCPAbortOnTimeout", "TCPAbortOnLinger", "TCPAbortFailed", "TCPMemoryPressures", "TCPMemoryPressuresChrono", "TCPSACKDiscard", "TCPDSACKIgnoredOld", "TCPDSACKIgnoredNoUndo", "TCPSpuriousRTOs", "TCPMD5NotFound", "TCPMD5Unexpected", "TCPMD5Failure", "TCPSackShifted", "TCPSackMerged", "TCPSackShiftFallback", "TCPBacklogDrop", "PFMemallocDrop", "TCPMinTTLDrop", "TCPDeferAcceptDrop", "IPReversePathFilter", "TCPTimeWaitOverflow", "TCPReqQFullDoCookies", "TCPReqQFullDrop", "TCPRetransFail", "TCPRcvCoalesce", "TCPOFOQueue", "TCPOFODrop", "TCPOFOMerge", "TCPChallengeACK", "TCPSYNChallenge", "TCPFastOpenActive", "TCPFastOpenActiveFail", "TCPFastOpenPassive", "TCPFastOpenPassiveFail", "TCPFastOpenListenOverflow", "TCPFastOpenCookieReqd", "TCPFastOpenBlackhole", "TCPSpuriousRtxHostQueues", "BusyPollRxPackets", "TCPAutoCorking", "TCPFromZeroWindowAdv", "TCPToZeroWindowAdv", "TCPWantZeroWindowAdv", "TCPSynRetrans", "TCPOrigDataSent", "TCPHystartTrainDetect", "TCPHystartTrainCwnd", "TCPHystartDelayDetect", "TCPHystartDelayCwnd", "TCPACKSkippedSynRecv", "TCPACKSkippedPAWS", "TCPACKSkippedSeq", "TCPACKSkippedFinWait2", "TCPACKSkippedTimeWait", "TCPACKSkippedChallenge", "TCPWinProbe", "TCPKeepAlive", "TCPMTUPFail", "TCPMTUPSuccess", "TCPDelivered", "TCPDeliveredCE", "TCPAckCompressed", "TCPZeroWindowDrop", "TCPRcvQDrop", "TCPWqueueTooBig", "TCPFastOpenPassiveAltKey", "TcpTimeoutRehash", "TcpDuplicateDataRehash", "TCPDSACKRecvSegs", "TCPDSACKIgnoredDubious", "TCPMigrateReqSuccess", "TCPMigrateReqFailure", "TCPPLBRehash", "TCPAORequired", "TCPAOBad", "TCPAOKeyNotFound", "TCPAOGood", "TCPAODroppedIcmps",
"InNoRoutes", "InTruncatedPkts", "InMcastPkts", "OutMcastPkts", "InBcastPkts", "OutBcastPkts", "InOctets", "OutOctets", "InMcastOctets", "OutMcastOctets", "InBcastOctets", "OutBcastOctets", "InCsumErrors", "InNoECTPkts", "InECT1Pkts", "InECT0Pkts", "InCEPkts", "ReasmOverlaps"
];

const mib: usize = memory.data(226 * 4, 8);

/** SNMP_INC_STATS(): bumps a counter by one. */
// @ts-ignore: decorator
@inline export function SNMP_INC_STATS(field: u32): void {
  const p = mib + (<usize>field << 2);
  store<u32>(p, load<u32>(p) + 1);
}
/** SNMP_ADD_STATS(): adds n. */
// @ts-ignore: decorator
@inline export function SNMP_ADD_STATS(field: u32, n: u32): void {
  const p = mib + (<usize>field << 2);
  store<u32>(p, load<u32>(p) + n);
}
/** SNMP_DEC_STATS(): for gauges such as Tcp CurrEstab. */
// @ts-ignore: decorator
@inline export function SNMP_DEC_STATS(field: u32): void {
  const p = mib + (<usize>field << 2);
  store<u32>(p, load<u32>(p) - 1);
}
/** A counter's current value. */
export function snmp_get(field: u32): u32 { return load<u32>(mib + (<usize>field << 2)); }
export function snmp_set(field: u32, v: u32): void { store<u32>(mib + (<usize>field << 2), v); }
