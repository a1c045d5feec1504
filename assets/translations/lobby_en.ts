<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>Lobby</name>
    <message>
        <source>绿色通道（老年人）需年满%1岁。您可以普通取号，也可以到服务台咨询</source>
        <translation>The green channel for seniors is from age %1. You can take an ordinary ticket, or ask at the service desk.</translation>
    </message>
    <message>
        <source>系统暂时无法连接，请稍后再试，或到服务台咨询</source>
        <translation>The system cannot be reached right now. Please try again shortly, or ask at the service desk.</translation>
    </message>
    <message>
        <source>返回</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>返回首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>暂无窗口开放</source>
        <translation>No counter open</translation>
    </message>
    <message>
        <source>停电公告：%1</source>
        <translation>Power outage notice: %1</translation>
    </message>
    <message>
        <source>请选择您要办理的业务</source>
        <translation>Please choose a service</translation>
    </message>
    <message>
        <source>电费查询</source>
        <translation>My electricity bill</translation>
    </message>
    <message>
        <source>余额、账单、缴费</source>
        <translation>Balance, bill, payment</translation>
    </message>
    <message>
        <source>绿色通道</source>
        <translation>Green channel</translation>
    </message>
    <message>
        <source>老年人、残障人士优先办理</source>
        <translation>Priority for seniors and people with disabilities</translation>
    </message>
    <message>
        <source>已读取身份证：%1。请选择业务取号</source>
        <translation>ID card read: %1. Please choose a service for your ticket.</translation>
    </message>
    <message>
        <source>不使用</source>
        <translation>Don&apos;t use</translation>
    </message>
    <message>
        <source>没有读到身份证，请把身份证平放在读卡区，稍等片刻</source>
        <translation>The card could not be read. Please lay it flat on the reader and wait a moment.</translation>
    </message>
    <message>
        <source>绿色通道（老年人）需年满%1岁。您可以普通取号</source>
        <translation>The green channel for seniors is from age %1. You can take an ordinary ticket.</translation>
    </message>
    <message>
        <source>请把身份证放在读卡区，或输入户号</source>
        <translation>Place your ID card on the reader, or enter your account number</translation>
    </message>
    <message>
        <source>请刷身份证</source>
        <translation>Please place your ID card on the reader</translation>
    </message>
    <message>
        <source>绿色通道（老年人）需核验年龄</source>
        <translation>The green channel for seniors needs your age checked</translation>
    </message>
    <message>
        <source>请刷身份证或输入户号</source>
        <translation>ID card or account number</translation>
    </message>
    <message>
        <source>登记后工作人员可更快为您办理，也可以跳过</source>
        <translation>It helps our staff serve you faster. You may also skip this.</translation>
    </message>
    <message>
        <source>输入户号</source>
        <translation>Enter account number</translation>
    </message>
    <message>
        <source>不登记，直接取号</source>
        <translation>Skip, just give me a ticket</translation>
    </message>
    <message>
        <source>管理员登录</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>请输入管理密码</source>
        <translation>Please enter the admin PIN</translation>
    </message>
    <message>
        <source>请输入户号</source>
        <translation>Please enter your account number</translation>
    </message>
    <message>
        <source>户号印在电费通知单或缴费凭证上</source>
        <translation>It is printed on your bill or payment receipt</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>清空</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>老年人、残障人士和预约客户优先办理。请选择您的情况</source>
        <translation>Seniors, people with disabilities and customers with an appointment are served first. Which applies to you?</translation>
    </message>
    <message>
        <source>%1岁以上老年人（请刷身份证）</source>
        <translation>Aged %1 or over (ID card needed)</translation>
    </message>
    <message>
        <source>残障人士</source>
        <translation>Person with a disability</translation>
    </message>
    <message>
        <source>已预约客户</source>
        <translation>I have an appointment</translation>
    </message>
    <message>
        <source>请选择业务</source>
        <translation>Please choose a service</translation>
    </message>
    <message>
        <source>绿色通道：您的号票将优先叫号</source>
        <translation>Green channel: your ticket will be called first</translation>
    </message>
    <message>
        <source>%1，您好</source>
        <translation>Hello, %1</translation>
    </message>
    <message>
        <source>您已年满%1岁，可以走绿色通道优先办理，不用久等</source>
        <translation>You are %1 or over: the green channel serves you first, without a long wait.</translation>
    </message>
    <message>
        <source>优先办理（绿色通道）</source>
        <translation>Serve me first (green channel)</translation>
    </message>
    <message>
        <source>普通取号</source>
        <translation>Ordinary ticket</translation>
    </message>
    <message numerus="yes">
        <source>%n 秒后返回首页</source>
        <translation>
            <numerusform>Back to the start in %n second</numerusform>
            <numerusform>Back to the start in %n seconds</numerusform>
        </translation>
    </message>
    <message>
        <source>您的排队号</source>
        <translation>Your number</translation>
    </message>
    <message>
        <source>绿色通道 · 优先叫号</source>
        <translation>Green channel · called first</translation>
    </message>
    <message>
        <source>正在打印号票……</source>
        <translation>Printing your ticket…</translation>
    </message>
    <message>
        <source>请取走您的号票，留意叫号</source>
        <translation>Please take your ticket and listen for your number</translation>
    </message>
    <message>
        <source>号票未能打印，请记住您的号码，或用手机拍下本页。已通知工作人员</source>
        <translation>Your ticket could not be printed. Please note your number or take a photo of this screen. Staff have been told.</translation>
    </message>
    <message>
        <source>本机不打印号票，请记住您的号码，或用手机拍下本页</source>
        <translation>This kiosk does not print tickets. Please note your number or take a photo of this screen.</translation>
    </message>
    <message>
        <source>扫码查看排队进度</source>
        <translation>Scan to follow the queue</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>请选择要查询的户号</source>
        <translation>Which account?</translation>
    </message>
    <message>
        <source>户号 %1&#x3000;户名 %2
%3</source>
        <translation>Account %1   Name %2
%3</translation>
    </message>
    <message>
        <source>正在打印账单……</source>
        <translation>Printing your bill…</translation>
    </message>
    <message>
        <source>账单已打印，请取走</source>
        <translation>Your bill has been printed. Please take it.</translation>
    </message>
    <message>
        <source>账单未能打印：%1</source>
        <translation>The bill could not be printed: %1</translation>
    </message>
    <message>
        <source>电费账单</source>
        <translation>Electricity bill</translation>
    </message>
    <message>
        <source>户号 %1&#x3000;户名 %2</source>
        <translation>Account %1   Name %2</translation>
    </message>
    <message>
        <source>欠费金额</source>
        <translation>Amount owed</translation>
    </message>
    <message>
        <source>账户余额</source>
        <translation>Balance</translation>
    </message>
    <message>
        <source>%1 用电 %2
电费 %3</source>
        <translation>%1: %2
charge %3</translation>
    </message>
    <message>
        <source>阶梯电价：第%1档</source>
        <translation>Tiered tariff: tier %1</translation>
    </message>
    <message>
        <source>今年已用 %1</source>
        <translation>Used this year: %1</translation>
    </message>
    <message>
        <source>近期没有缴费记录</source>
        <translation>No recent payments</translation>
    </message>
    <message>
        <source>数据截至 %1</source>
        <translation>Data as of %1</translation>
    </message>
    <message>
        <source>（缓存数据，可能不是最新）</source>
        <translation> (cached, may not be the latest)</translation>
    </message>
    <message>
        <source>近12个月用电量（kWh）</source>
        <translation>Last 12 months (kWh)</translation>
    </message>
    <message>
        <source>最近缴费</source>
        <translation>Latest payments</translation>
    </message>
    <message>
        <source>打印账单</source>
        <translation>Print bill</translation>
    </message>
    <message>
        <source>扫码缴费</source>
        <translation>Pay by QR code</translation>
    </message>
    <message>
        <source>网上国网</source>
        <translation>State Grid app</translation>
    </message>
    <message>
        <source>微信</source>
        <translation>WeChat</translation>
    </message>
    <message>
        <source>支付宝</source>
        <translation>Alipay</translation>
    </message>
    <message>
        <source>营业厅</source>
        <translation>Business hall</translation>
    </message>
    <message>
        <source>应缴 %1</source>
        <translation>To pay: %1</translation>
    </message>
    <message>
        <source>预存电费</source>
        <translation>Top up your account</translation>
    </message>
    <message>
        <source>请用手机扫描二维码，在网上国网、微信或支付宝中完成缴费</source>
        <translation>Scan the code with your phone and pay in the State Grid app, WeChat or Alipay.</translation>
    </message>
    <message>
        <source>没有找到</source>
        <translation>Not found</translation>
    </message>
    <message>
        <source>无法办理</source>
        <translation>Not possible</translation>
    </message>
    <message>
        <source>暂时无法连接</source>
        <translation>Cannot connect</translation>
    </message>
    <message>
        <source>没有找到户号</source>
        <translation>No account found</translation>
    </message>
    <message>
        <source>暂不能走绿色通道</source>
        <translation>Green channel not available</translation>
    </message>
    <message>
        <source>没有找到登记在此身份证下的户号，请输入户号查询</source>
        <translation>No account is registered to this ID card. Please enter your account number.</translation>
    </message>
    <message>
        <source>重新输入</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>再试一次</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>正在查询，请稍候……</source>
        <translation>Looking it up, one moment…</translation>
    </message>
    <message>
        <source>管理面板</source>
        <translation>Admin panel</translation>
    </message>
    <message>
        <source>营业厅服务：%1</source>
        <translation>Hall service: %1</translation>
    </message>
    <message>
        <source>……另有%1台设备需处理</source>
        <translation>… and %1 more devices to see to</translation>
    </message>
    <message>
        <source>所有设备正常</source>
        <translation>All devices OK</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>故障</source>
        <translation>Fault</translation>
    </message>
    <message>
        <source>%1：%2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>没有配置设备</source>
        <translation>No devices configured</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>退出程序</source>
        <translation>Exit</translation>
    </message>
    <message>
        <source>暂无窗口办理</source>
        <translation>No counter open now</translation>
    </message>
    <message>
        <source>预计不到1分钟</source>
        <translation>Under a minute</translation>
    </message>
    <message numerus="yes">
        <source>预计约 %n 分钟</source>
        <translation>
            <numerusform>About %n minute</numerusform>
            <numerusform>About %n minutes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>等候 %n 人</source>
        <translation>
            <numerusform>%n waiting</numerusform>
            <numerusform>%n waiting</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>您前面还有 %n 人</source>
        <translation>
            <numerusform>%n person ahead of you</numerusform>
            <numerusform>%n people ahead of you</numerusform>
        </translation>
    </message>
    <message>
        <source>请留意叫号</source>
        <translation>Please listen for your number</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>办理窗口：%1号</source>
        <translation>Counters: %1</translation>
    </message>
    <message>
        <source>大字模式</source>
        <translation>Large text</translation>
    </message>
    <message>
        <source>语音引导</source>
        <translation>Voice guide</translation>
    </message>
    <message>
        <source>系统维护中</source>
        <translation>System maintenance</translation>
    </message>
    <message>
        <source>请稍候，马上恢复。急需办理请到服务台，工作人员会为您服务</source>
        <translation>Please wait, we will be back shortly. If it is urgent, our staff at the service desk will help you.</translation>
    </message>
</context>
</TS>
