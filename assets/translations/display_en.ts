<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>Display</name>
    <message>
        <source>{n}号窗口</source>
        <translation>Counter {n}</translation>
    </message>
    <message>
        <source>暂停服务</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>空闲</source>
        <translation>Idle</translation>
    </message>
    <message>
        <source>等候 {n} 人 · 暂无窗口</source>
        <translation>{n} waiting · no counter open</translation>
    </message>
    <message>
        <source>等候 {n} 人</source>
        <translation>{n} waiting</translation>
    </message>
    <message>
        <source>等候 {n} 人 · 约 {m} 分钟</source>
        <translation>{n} waiting · about {m} min</translation>
    </message>
    <message>
        <source>请</source>
        <translation>Now calling</translation>
    </message>
    <message>
        <source>最近叫号</source>
        <translation>Recent calls</translation>
    </message>
    <message>
        <source>与叫号系统的连接中断，正在重新连接…</source>
        <translation>Connection to the queue system lost; reconnecting…</translation>
    </message>
    <message>
        <source>星期一</source>
        <translation>Monday</translation>
    </message>
    <message>
        <source>星期二</source>
        <translation>Tuesday</translation>
    </message>
    <message>
        <source>星期三</source>
        <translation>Wednesday</translation>
    </message>
    <message>
        <source>星期四</source>
        <translation>Thursday</translation>
    </message>
    <message>
        <source>星期五</source>
        <translation>Friday</translation>
    </message>
    <message>
        <source>星期六</source>
        <translation>Saturday</translation>
    </message>
    <message>
        <source>星期日</source>
        <translation>Sunday</translation>
    </message>
    <message>
        <source>{y}年{m}月{d}日 {weekday}</source>
        <translation>{weekday} {d}/{m}/{y}</translation>
    </message>
    <message>
        <source>请留意叫号</source>
        <translation>Please watch for your number</translation>
    </message>
    <message>
        <source>到 {n} 号窗口</source>
        <translation>Counter {n}</translation>
    </message>
    <message>
        <source>{number} → {n}号窗口</source>
        <translation>{number} → counter {n}</translation>
    </message>
    <message>
        <source>停电公告：{title}</source>
        <translation>Power outage notice: {title}</translation>
    </message>
    <message>
        <source>（{area}）</source>
        <translation> ({area})</translation>
    </message>
    <message>
        <source>{hall}欢迎您 · 请留意叫号 · 供电服务热线 95598</source>
        <translation>Welcome to {hall} · please watch for your number · power service hotline 95598</translation>
    </message>
</context>
</TS>
