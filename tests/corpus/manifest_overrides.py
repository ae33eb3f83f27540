# Hand-checked expectations, read by build_manifest.py (exec'd, so plain dicts).
# Keys are paths relative to tests/corpus.
# flufl.bounce: expectations copied from the source project's own test table
# (flufl/bounce/_detectors/tests/detectors.py, DATA), which its test-suite asserts.
# Files listed there as temporary failures are in delay/ and carry the address in NOTES.
OVERRIDES['bounce/flufl__aol_01.txt.eml'] = 'screenname@aol.com'
OVERRIDES['bounce/flufl__bounce_02.txt.eml'] = 'acinsp1@midsouth.rr.com'
OVERRIDES['bounce/flufl__bounce_03.txt.eml'] = 'james@jeborall.demon.co.uk'
OVERRIDES['bounce/flufl__dsn_01.txt.eml'] = 'jimmymcegypt@go.com'
OVERRIDES['bounce/flufl__dsn_02.txt.eml'] = 'zzzzz@zeus.hud.ac.uk'
OVERRIDES['bounce/flufl__dsn_03.txt.eml'] = 'ddd.kkk@advalvas.be'
OVERRIDES['bounce/flufl__dsn_04.txt.eml'] = 'max.haas@unibas.ch'
NOTES['delay/flufl__dsn_05.txt.eml'] = 'delayed recipient: pkocmid@atlas.cz'
NOTES['delay/flufl__dsn_06.txt.eml'] = 'delayed recipient: hao-nghi.au@fr.thalesgroup.com'
NOTES['delay/flufl__dsn_07.txt.eml'] = 'delayed recipient: david.farrar@parliament.govt.nz'
NOTES['delay/flufl__dsn_08.txt.eml'] = 'delayed recipient: news-list.zope@localhost.bln.innominate.de'
OVERRIDES['bounce/flufl__dsn_09.txt.eml'] = 'pr@allen-heath.com'
OVERRIDES['bounce/flufl__dsn_10.txt.eml'] = 'anne.person@dom.ain'
OVERRIDES['bounce/flufl__dsn_11.txt.eml'] = 'joem@example.com'
OVERRIDES['bounce/flufl__dsn_12.txt.eml'] = 'auaauqdgrdz@jtc-con.co.jp'
OVERRIDES['bounce/flufl__dsn_13.txt.eml'] = 'marcooherbst@cardinal.com'
OVERRIDES['bounce/flufl__dsn_14.txt.eml'] = 'artboardregistration@home.dk'
OVERRIDES['bounce/flufl__dsn_15.txt.eml'] = 'horu@ccc-ces.com'
OVERRIDES['bounce/flufl__dsn_16.txt.eml'] = 'hishealinghand@pastors.com'
NOTES['delay/flufl__dsn_17.txt.eml'] = 'delayed recipient: christine.barsas@sivarikeskus.fi'
OVERRIDES['bounce/flufl__exim_01.txt.eml'] = 'delangen@its.tudelft.nl'
OVERRIDES['bounce/flufl__groupwise_01.txt.eml'] = 'thoff@mainex1.asu.edu'
OVERRIDES['bounce/flufl__groupwise_02.txt.eml'] = 'omarmo@thebas.com'
OVERRIDES['bounce/flufl__hotpop_01.txt.eml'] = 'allensmithee@hotpop.com'
OVERRIDES['bounce/flufl__llnl_01.txt.eml'] = 'trotts1@llnl.gov'
OVERRIDES['bounce/flufl__microsoft_01.txt.eml'] = 'djbennett@ikon.com'
OVERRIDES['bounce/flufl__microsoft_02.txt.eml'] = 'mdmoore@ball.com'
OVERRIDES['bounce/flufl__microsoft_03.txt.eml'] = 'midica@banknbr.com'
OVERRIDES['bounce/flufl__netscape_01.txt.eml'] = 'aaaaa@corel.com,bbbbb@corel.com'
OVERRIDES['bounce/flufl__newmailru_01.txt.eml'] = 'zzzzz@newmail.ru'
OVERRIDES['bounce/flufl__postfix_01.txt.eml'] = 'xxxxx@local.ie'
OVERRIDES['bounce/flufl__postfix_02.txt.eml'] = 'yyyyy@digicool.com'
OVERRIDES['bounce/flufl__postfix_03.txt.eml'] = 'ttttt@ggggg.com'
OVERRIDES['bounce/flufl__postfix_04.txt.eml'] = 'davidlowie@mail1.keftamail.com'
OVERRIDES['bounce/flufl__postfix_05.txt.eml'] = 'bjelf@detectit.net'
OVERRIDES['bounce/flufl__qmail_01.txt.eml'] = 'psadisc@wwwmail.n-h.de'
OVERRIDES['bounce/flufl__qmail_02.txt.eml'] = 'rauschlo@frontfin.com'
OVERRIDES['bounce/flufl__qmail_03.txt.eml'] = 'crown@hbc.co.jp'
OVERRIDES['bounce/flufl__qmail_04.txt.eml'] = 'merotiia@tennisnsw.com.au'
OVERRIDES['bounce/flufl__qmail_05.txt.eml'] = 'ivokggrrdvc@caixaforte.freeservers.com'
OVERRIDES['bounce/flufl__qmail_06.txt.eml'] = 'ntl@xxx.com'
OVERRIDES['bounce/flufl__qmail_07.txt.eml'] = 'user@example.net'
OVERRIDES['bounce/flufl__sendmail_01.txt.eml'] = 'zzzzz@nfg.nl'
OVERRIDES['bounce/flufl__sendmail_02.txt.eml'] = 'foo@rbd.spb.ru'
OVERRIDES['bounce/flufl__simple_01.txt.eml'] = 'bbbsss@turbosport.com'
OVERRIDES['bounce/flufl__simple_02.txt.eml'] = 'chris.ggggmmmm@usa.net'
NOTES['delay/flufl__simple_03.txt.eml'] = 'delayed recipient: jacobus@geo.co.za'
OVERRIDES['bounce/flufl__simple_04.txt.eml'] = 'claird@starbase.neosoft.com'
OVERRIDES['bounce/flufl__simple_05.txt.eml'] = 'rlosardo@sbcglobal.net'
OVERRIDES['bounce/flufl__simple_06.txt.eml'] = 'dlyle@hamiltonpacific.com'
OVERRIDES['bounce/flufl__simple_07.txt.eml'] = 'william.xxxx@sbcglobal.net'
OVERRIDES['bounce/flufl__simple_08.txt.eml'] = 'severin.xxx@t-online.de'
OVERRIDES['bounce/flufl__simple_09.txt.eml'] = 'robotmail@auto-walther.de'
OVERRIDES['bounce/flufl__simple_10.txt.eml'] = 'sais@thehartford.com'
OVERRIDES['bounce/flufl__simple_11.txt.eml'] = 'carlosr73@hartfordlife.com'
OVERRIDES['bounce/flufl__simple_12.txt.eml'] = 'charrogar@rhine1.andrew.ac.jp'
OVERRIDES['bounce/flufl__simple_13.txt.eml'] = 'dycusibreix@ademe.fr'
OVERRIDES['bounce/flufl__simple_14.txt.eml'] = 'dump@dachamp.com,iqxwmmfauudpo@dachamp.com'
OVERRIDES['bounce/flufl__simple_15.txt.eml'] = 'isam@kviv.be'
OVERRIDES['bounce/flufl__simple_16.txt.eml'] = 'xvlogtfsei@the-messenger.com'
OVERRIDES['bounce/flufl__simple_17.txt.eml'] = 'internetsailing@gmail.com'
OVERRIDES['bounce/flufl__simple_18.txt.eml'] = 'powell@kesslersupply.com'
OVERRIDES['bounce/flufl__simple_19.txt.eml'] = 'mcfall@cepi.com.ar'
OVERRIDES['bounce/flufl__simple_20.txt.eml'] = 'duke@ald.socgen.com'
NOTES['delay/flufl__simple_21.txt.eml'] = 'delayed recipient: assumpeatman@dsgmfg.com'
NOTES['delay/flufl__simple_22.txt.eml'] = 'delayed recipient: rlipton@prev.org'
OVERRIDES['bounce/flufl__simple_23.txt.eml'] = 'ketchuy@dadoservice.it'
OVERRIDES['bounce/flufl__simple_24.txt.eml'] = 'liberty@gomaps.com'
OVERRIDES['bounce/flufl__simple_25.txt.eml'] = 'mahau@cnbearing.com'
OVERRIDES['bounce/flufl__simple_26.txt.eml'] = 'reilizavet@lar.ieo.it'
OVERRIDES['bounce/flufl__simple_27.txt.eml'] = 'kulp@webmail.pla.net.py'
NOTES['delay/flufl__simple_28.txt.eml'] = 'delayed recipient: luis.hiam@gmail.com'
OVERRIDES['bounce/flufl__simple_29.txt.eml'] = 'thilakayi_bing@landshire.com'
OVERRIDES['bounce/flufl__simple_30.txt.eml'] = 'wmnqicorpat@nqicorp.com'
OVERRIDES['bounce/flufl__simple_31.txt.eml'] = 'nmorel@actisce.fr'
OVERRIDES['bounce/flufl__simple_32.txt.eml'] = 'teteyn@agence-forbin.com'
OVERRIDES['bounce/flufl__simple_33.txt.eml'] = 'hmu@extralumin.com'
OVERRIDES['bounce/flufl__simple_34.txt.eml'] = 'roland@xxx.com'
NOTES['delay/flufl__simple_35.txt.eml'] = 'delayed recipient: calvin@xxx.com'
OVERRIDES['bounce/flufl__simple_36.txt.eml'] = 'garyt@xxx.com'
OVERRIDES['bounce/flufl__simple_37.txt.eml'] = 'user@uci.edu'
OVERRIDES['bounce/flufl__simple_38.txt.eml'] = 'foo@mail.ru'
OVERRIDES['bounce/flufl__sina_01.txt.eml'] = 'alan_t18@sina.com,boboman76@sina.com'
OVERRIDES['bounce/flufl__smtp32_01.txt.eml'] = 'oliver@pcworld.com.ph'
OVERRIDES['bounce/flufl__smtp32_02.txt.eml'] = 'lists@mail.spicynoodles.com'
OVERRIDES['bounce/flufl__smtp32_03.txt.eml'] = 'borisk@gw.xraymedia.com'
OVERRIDES['bounce/flufl__smtp32_04.txt.eml'] = 'after_another@pacbell.net,one_bad_address@pacbell.net'
OVERRIDES['bounce/flufl__smtp32_05.txt.eml'] = 'jmrpowersports@jmrpowersports.com'
OVERRIDES['bounce/flufl__smtp32_06.txt.eml'] = 'absolute_garbage_addr@pacbell.net'
OVERRIDES['bounce/flufl__smtp32_07.txt.eml'] = 'info@husbyran.com'
OVERRIDES['bounce/flufl__yahoo_01.txt.eml'] = 'subscribe.motorcycles@listsociety.com'
OVERRIDES['bounce/flufl__yahoo_02.txt.eml'] = 'agarciamartiartu@yahoo.es'
OVERRIDES['bounce/flufl__yahoo_03.txt.eml'] = 'cresus22@yahoo.com'
OVERRIDES['bounce/flufl__yahoo_04.txt.eml'] = 'agarciamartiartu@yahoo.es,open00now@yahoo.co.uk'
OVERRIDES['bounce/flufl__yahoo_05.txt.eml'] = 'cresus22@yahoo.com,jjb700@yahoo.com'
OVERRIDES['bounce/flufl__yahoo_06.txt.eml'] = 'andrew_polevoy@yahoo.com,baruch_sterin@yahoo.com,rjhoeks@yahoo.com,tritonrugger91@yahoo.com'
OVERRIDES['bounce/flufl__yahoo_07.txt.eml'] = 'mark1960_1998@yahoo.com,ovchenkov@yahoo.com,tsa412@yahoo.com,vaxheadroom@yahoo.com'
OVERRIDES['bounce/flufl__yahoo_08.txt.eml'] = 'chatrathis@yahoo.com,crownjules01@yahoo.com,cwl_999@yahoo.com,eichaiwiu@yahoo.com,rjhoeks@yahoo.com,yuli_kolesnikov@yahoo.com'
OVERRIDES['bounce/flufl__yahoo_09.txt.eml'] = 'hankel_o_fung@yahoo.com,ultravirus2001@yahoo.com'
OVERRIDES['bounce/flufl__yahoo_10.txt.eml'] = 'jajcchoo@yahoo.com,lyons94706@yahoo.com,turtle4jne@yahoo.com'
OVERRIDES['bounce/flufl__yale_01.txt.eml'] = 'thomas.dtankengine@cs.yale.edu,thomas.dtankengine@yale.edu'

# ---- checked by hand (no usable message/delivery-status part or X-Failed-Recipients)
_B = {
 'bounceparser__aol-senderblock.msg': ('mykewlaolacct@aol.com', 'AOL lists the bare screen name "mykewlaolacct"; address is <name>@aol.com'),
 'bounceparser__aol.attachment.msg': ('exampleuser@aol.com', 'AOL lists the bare screen name "exampleuser"; address is <name>@aol.com'),
 'bounceparser__domino.unknown.msg': ('recipient@example.net', 'Lotus Domino, body text'),
 'bounceparser__exchange.unknown.msg': ('recipient@example.net', 'Exchange 5.5/2000 text report (upper-case in the message)'),
 'bounceparser__no-message-collected.msg': ('', 'undeterminable: the report body is only "<<< No Message Collected >>>" (truncated bounce)'),
 'bounceparser__novell-with-rhs.msg': ('recipient@example.net', 'Novell GroupWise, body text'),
 'bounceparser__qmail.unknown.msg': ('recipient@example.net', 'qmail'),
 'bounceparser__quota.msg': ('a@b.c', 'mailbox full, body text'),
 'bounceparser__warning-5.msg': ('a@b.c', 'Exim-style one-line rejection "You sent mail to a@b.c. That\'s not a valid user here."; no Subject'),
 'bounceparser__warning-7.msg': ('fred@mailgrp1.a.b.c', 'Sendmail transcript, over quota'),
 'bounceparser__warning-9.msg': ('gail.windy@example.com', 'Sendmail transcript; expanded from gail.windy@example.net'),
 'flanker__broken-mime.eml': None,
 'phpbounce__1': ('somat@ciudad.com.ar', 'qmail'),
 'phpbounce__26': ('andres_ferrero@ciudad.com.ar', 'qmail'),
 'phpbounce__testfile': ('leopold_skryd@mail.ru', 'Postfix; DSN part is malformed, address from text and Final-Recipient line'),
 'sisimai__lhost-activehunter-01': ('kijitora@example.org', ''),
 'sisimai__lhost-activehunter-02': ('kijitora@example.ed.jp', ''),
 'sisimai__lhost-amazonworkmail-01': ('kijitora@example.jp', 'DSN fields are inside a text part'),
 'sisimai__lhost-amazonworkmail-04': ('chatoraneko@example.jp', 'DSN fields are inside a text part; mailbox full'),
 'sisimai__lhost-apachejames-01': ('000000000000@vtext.example.com', 'address from "RCPT TO:" in the message details'),
 'sisimai__lhost-biglobe-01': ('postmaster@mxr.biglobe.ne.jp', 'Biglobe; mailbox full'),
 'sisimai__lhost-domino-01': ('kijitora@example.jp', ''),
 'sisimai__lhost-dragonfly-01': ('pseudo-local-part@google.example.com', ''),
 'sisimai__lhost-dragonfly-16': ('notaccept@libsisimai.net', ''),
 'sisimai__lhost-einsundeins-02': ('kijitora@example.org', '1&1 (German)'),
 'sisimai__lhost-einsundeins-03': ('xxxx@xxxx.fr', '1&1; address redacted by the source as xxxx@xxxx.fr'),
 'sisimai__lhost-exchange2003-01': ('kijitora@example.jp', ''),
 'sisimai__lhost-exchange2003-04': ('kijitora@example.com', ''),
 'sisimai__lhost-ezweb-01': ('this-message-rejected-by-the-domain-filter@ezweb.ne.jp', 'au EZweb (Japanese carrier)'),
 'sisimai__lhost-ezweb-04': ('this-local-part-does-not-exist-on-the-server@ezweb.ne.jp', ''),
 'sisimai__lhost-fml-02': ('neko-nyaan@example.org', 'fml mailing-list manager: "You are not a member of this mailing list <neko-nyaan@example.org>" (rejected by the list address)'),
 'sisimai__lhost-gmx-01': ('shironeko@example.jp', ''),
 'sisimai__lhost-gmx-03': ('mikeneko@example.co.jp,sabineko@example.co.jp', ''),
 'sisimai__lhost-imailserver-01': ('kijitora@example.com', ''),
 'sisimai__lhost-imailserver-03': ('kijitora@neko.example.co.jp', ''),
 'sisimai__lhost-kddi-01': ('kijitora@x0000000000000.dion.ne.jp', ''),
 'sisimai__lhost-kddi-02': ('kijitora@00000000000000.dion.ne.jp', ''),
 'sisimai__lhost-mailfoundry-01': ('kijitora@example.org', ''),
 'sisimai__lhost-mailfoundry-02': ('kijitora@example.org', ''),
 'sisimai__lhost-mailmarshal-02': ('kijitora@nyaan.example.com', ''),
 'sisimai__lhost-mfilter-01': ('kijitora@example.com', 'm-FILTER, Japanese ISO-2022-JP text'),
 'sisimai__lhost-mfilter-03': ('kijitora@example.org', 'm-FILTER, Japanese ISO-2022-JP text'),
 'sisimai__lhost-mimecast-01': ('sabineko@neko.ef.example.org', ''),
 'sisimai__lhost-mimecast-02': ('sabatora@example.net', ''),
 'sisimai__lhost-mxlogic-01': ('kijitora@example.co.jp', ''),
 'sisimai__lhost-mxlogic-02': ('kijitora@example.jp', ''),
 'sisimai__lhost-notes-01': ('kijitora@u1.example.co.jp', 'Lotus Notes'),
 'sisimai__lhost-notes-02': ('kijitora@u1.example.co.jp', 'Lotus Notes'),
 'sisimai__lhost-office365-01': ('kijitora@example.com', ''),
 'sisimai__lhost-opensmtpd-01': ('apdugoaidugoaidugoaeiudggadi@gmail.com', ''),
 'sisimai__lhost-qmail-01': ('kijitora@example.ne.jp', ''),
 'sisimai__lhost-qmail-13': ('nekochan@cx.libsisimai.com', ''),
 'sisimai__lhost-trendmicro-01': ('kijitora@example.co.jp', ''),
 'sisimai__lhost-trendmicro-02': ('kijitora@neko.example.jp', ''),
 'sisimai__lhost-v5sendmail-01': ('kijitora@example.com', 'Sendmail 5: "Cannot send message for 4 days" - final give-up after deferrals, so a bounce'),
 'sisimai__lhost-v5sendmail-04': ('kijitora@example.ed.jp,mikeneko@example.ac.jp', ''),
 'sisimai__lhost-verizon-01': ('0000000000@vzwpix.com', 'address only in the quoted "Original Message: To:" line'),
 'sisimai__lhost-verizon-02': ('may-be-straycat-nyaaaaaan@vtext.com', 'address from "RCPT TO:" in the message details'),
 'sisimai__lhost-x1-01': ('kijitora@example.co.jp', ''),
 'sisimai__lhost-x1-02': ('kijitora@example.org', ''),
 'sisimai__lhost-x2-01': ('kijitora@example.co.jp', ''),
 'sisimai__lhost-x2-04': ('kijitora@example.jp', ''),
 'sisimai__lhost-x3-01': ('kijitora@example.com', ''),
 'sisimai__lhost-x3-03': ('kijitora@example.co.jp', ''),
 'sisimai__lhost-x4-01': ('kijitora@example.com', ''),
 'sisimai__lhost-x6-01': ('kijitora@nyaan.example.org', ''),
 'sisimai__lhost-x6-02': ('kijitora@libsisimai.org', ''),
 'sisimai__lhost-yahoo-01': ('kijitora@example.org', ''),
 'sisimai__lhost-yahoo-08': ('mailboxfull@libsisimai.org', ''),
 'sisimai__lhost-zoho-01': ('kijitora@example.co.jp', ''),
 'sisimai__lhost-zoho-03': ('shironeko@example.org', ''),
 'sisimai__rfc3464-38': ('kijitora-nyaan@example.jp', ''),
 'sisimai__rhost-messagelabs-01': ('kijitora@example.messagelabs.com', ''),
}
_B['flanker__broken-mime.eml'] = ('info@example.net', 'broken MIME; "Delivery failed 10 attempts: info@example.net"')
for _k, _v in _B.items():
    _p = 'bounce/' + (_k if _k.endswith('.eml') else _k + '.eml')
    OVERRIDES[_p] = _v[0]
    if _v[1]:
        NOTES[_p] = _v[1]
NOTES['bounce/flufl__dumbass_01.txt.eml'] = 'undeterminable: the source project (flufl.bounce) also detects no address in it'
NOTES['bounce/flufl__bounce_01.txt.eml'] = 'undeterminable: JetMail names only the local part "dylan" (mailbox full); no domain is given (flufl.bounce has no expectation for it either)'

# ---- auto-replies: language, kind
_A = {
 'bounceparser__aol-vacation.msg': 'EN; vacation (AOL "Automatic Response"; Auto-Submitted: auto-replied)',
 'bounceparser__autoreply.msg': 'EN; autoresponder "Thank you for your e-mail" (Precedence: bulk, no Auto-Submitted)',
 'bounceparser__bluebottle.msg': 'EN; challenge-response (Bluebottle: click to confirm you are a human); no auto headers',
 'bounceparser__boxbe-cr.msg': 'EN; challenge-response (Boxbe "Action Required"); NOTE: sent as multipart/report with a DSN saying Action: failed - should not be counted as a hard bounce',
 'bounceparser__boxbe-cr2.msg': 'EN; challenge-response (Boxbe); multipart/report DSN with Action: failed, see boxbe-cr',
 'bounceparser__polish-autoreply.msg': 'PL; autoresponder "[Automatyczna odpowiedz]" (Precedence: junk)',
 'bounceparser__warning-6.msg': 'EN; out-of-office, Lotus Notes "AUTO: ... is out of the office (returning ...)"; no Auto-Submitted',
 'sisimai__rfc3834-01': 'EN; vacation "Away until May 5" (Auto-Submitted: auto-replied)',
 'sisimai__rfc3834-02': 'EN; out-of-office, Exchange/Outlook "Automatic reply:"',
 'sisimai__rfc3834-03': 'EN; autoresponder "Auto reply:"',
 'sisimai__rfc3834-04': 'EN; out-of-office, Exchange/Outlook "Automatic reply:" (travelling)',
 'sisimai__rfc3834-05': 'DE; auto-reply announcing a new address ("zukuenftig karl@hanz.de"); Auto-Submitted: auto-replied',
 'sisimai__rfc3834-06': 'EN; auto-reply "this inbox is no longer in use" (Auto-Submitted: auto-replied) - not a bounce, but the contact is gone',
}
for _k, _v in _A.items():
    NOTES['auto_reply/' + _k + '.eml'] = _v
